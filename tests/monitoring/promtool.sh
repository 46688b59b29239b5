#!/usr/bin/env bash
# promtool on the shipped alert rules: `check rules` (syntax, templates) and `test rules`
# (every alert firing and not firing: tests/monitoring/*.test.yaml); and the PromQL of every
# panel of the shipped Grafana dashboards parses (as recording rules for `check rules`).
# promtool comes from the cluster cache (tests/cluster/build.sh prometheus), or $PROMTOOL.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
promtool="${PROMTOOL:-}"
if [[ -z "$promtool" ]]; then
  bin="$("$repo_root/tests/cluster/build.sh" --bin-dir prometheus)" || { echo "FAIL: tests/cluster/build.sh prometheus failed" >&2; exit 1; }
  promtool="$bin/promtool"
fi
"$promtool" --version | sed -n 1p
"$promtool" check rules "$repo_root"/charts/minitwit-operator/files/rules/*.yaml
"$promtool" test rules "$here"/*.test.yaml
for dashboard in "$repo_root"/charts/minitwit-operator/files/dashboards/*.json; do
  rules="$(mktemp --suffix .yaml)"
  trap 'rm -f "$rules"' EXIT
  {
    echo "groups: [{name: dashboard, rules: ["
    "$here/dashboard-queries.sh" "$dashboard" | jq -Rr 'split("\t") | "{record: dashboard:query_\(input_line_number), expr: \(.[2] | tojson)},"'
    echo "]}]"
  } >"$rules"
  echo "dashboard $(basename "$dashboard"): $(grep -c '^{record' "$rules") panel queries"
  "$promtool" check rules "$rules" >/dev/null || { echo "FAIL: a panel query of $dashboard does not parse (above)" >&2; exit 1; }
done
