#!/usr/bin/env bash
# promtool check config on monitoring/prometheus/prometheus.yml (scrape jobs, relabelling,
# rule file globs). promtool comes from the cluster cache (tests/cluster/build.sh prometheus).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/tests/cluster/versions.env"
promtool="${MINITWIT_CLUSTER_CACHE:-$HOME/.cache/minitwit-cluster}/prometheus-$PROMETHEUS_VERSION/bin/promtool"
[[ -x "$promtool" ]] || { echo "FAIL: missing prerequisite: promtool at $promtool (tests/cluster/build.sh prometheus)" >&2; exit 1; }
"$promtool" check config "$root/monitoring/prometheus/prometheus.yml"
