#!/usr/bin/env bash
# Browser test: starts minitwit on its own database and runs ui_flows.js in Debian's headless
# chromium via playwright-core (npm ci into the build dir; no browser download).
#   run_browser.sh MINITWIT_BIN WORK_DIR ARTIFACTS_DIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: run_browser.sh MINITWIT_BIN WORK_DIR ARTIFACTS_DIR}"
work="${2:?work dir}"
artifacts="${3:?artifacts dir}"
# shellcheck source=../contract/app_harness.sh
source "$here/../contract/app_harness.sh"

harness_require_db
chromium_bin="${CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium_bin" ]] || harness_fail "chromium not found at $chromium_bin (hack/install-deps.sh test)"
# shellcheck source=npm_env.sh
source "$here/npm_env.sh"
mods="$work/npm"
browser_npm_env "$mods" || exit 1

harness_start_app "$bin" "$work"
mkdir -p "$artifacts"
set +e
APP_URL="$APP_URL" ARTIFACTS="$artifacts" CHROMIUM="$chromium_bin" NODE_PATH="$mods/node_modules" \
  timeout 240 node "$here/ui_flows.js"
st=$?
set -e
kill -0 "$APP_PID" 2>/dev/null || { echo "FAIL: minitwit died during the run; log:" >&2; tail -50 "$APP_LOG" >&2; exit 1; }
if [[ $st -ne 0 ]]; then
  echo "FAIL: browser flows failed (exit $st); app log:" >&2; tail -30 "$APP_LOG" >&2
  exit 1
fi
