#!/usr/bin/env bash
# dashboard-queries.sh DASHBOARD.json: every query of a Grafana dashboard, one a line as
# "panel title<TAB>refId<TAB>expr", with Grafana's variables replaced by what a query
# against Prometheus needs: $__rate_interval and $__interval by 1m, $__range by 5m, and the
# dashboard's own variables (namespace) by their "All" value. Panels inside rows count.
set -euo pipefail
[[ $# -eq 1 && -f "$1" ]] || { echo "usage: $0 DASHBOARD.json" >&2; exit 2; }
jq -r '
  [.panels[] | ., (.panels[]?)] | .[] | select(.targets) | .title as $t
  | .targets[] | select(.expr) | [$t, .refId, (.expr | gsub("\n"; " "))] | @tsv' "$1" |
  sed -e 's/\$__rate_interval/1m/g; s/\${__rate_interval}/1m/g; s/\$__interval/1m/g; s/\${__interval}/1m/g' \
      -e 's/\$__range/5m/g; s/\${__range}/5m/g; s/\$namespace/.*/g; s/\${namespace}/.*/g'
