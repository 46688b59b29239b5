#!/usr/bin/env bash
# Browser test of minitwit-report: renders the kept autoscaling run (docs/autoscaling/*.csv)
# into HTML and checks it in Debian's headless chromium via playwright-core (report_render.js):
# it renders, all five plots have drawn data, nothing is fetched from outside. The
# screenshot lands in ARTIFACTS_DIR.
#   run_report.sh MINITWIT_REPORT_BIN WORK_DIR ARTIFACTS_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: run_report.sh MINITWIT_REPORT_BIN WORK_DIR ARTIFACTS_DIR}"
work="${2:?work dir}"
artifacts="${3:?artifacts dir}"
data="$here/../../docs/autoscaling"
chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
[[ -x "$bin" ]] || { echo "FAIL: no minitwit-report at $bin" >&2; exit 1; }
[[ -x "$chromium_bin" ]] || { echo "FAIL: chromium not found at $chromium_bin (hack/install-deps.sh test)" >&2; exit 1; }
[[ -f "$data/load.csv" && -f "$data/cluster.csv" ]] || { echo "FAIL: no kept run in $data" >&2; exit 1; }
# shellcheck source=npm_env.sh
source "$here/npm_env.sh"
browser_npm_env "$work/npm"

mkdir -p "$work" "$artifacts"
"$bin" --load "$data/load.csv" --cluster "$data/cluster.csv" --out "$work/report.html" --min-replicas 2 >/dev/null
REPORT="$work/report.html" ARTIFACTS="$artifacts" CHROMIUM="$chromium_bin" NODE_PATH="$work/npm/node_modules" \
  timeout 120 node "$here/report_render.js"
