#!/usr/bin/env bash
# promtool check config on monitoring/prometheus/prometheus.yml (scrape jobs, relabelling,
# rule file globs). promtool comes from the cluster cache (tests/cluster/build.sh prometheus).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin="$("$root/tests/cluster/build.sh" --bin-dir prometheus)" || { echo "FAIL: tests/cluster/build.sh prometheus failed" >&2; exit 1; }
promtool="$bin/promtool"
"$promtool" check config "$root/monitoring/prometheus/prometheus.yml"
