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
command -v node >/dev/null && command -v npm >/dev/null || harness_fail "node/npm not found"

# npm ci into the build dir, redone only when the lock file changes.
mods="$work/npm"
stamp="$mods/.lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [[ ! -d "$mods/node_modules/playwright-core" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  rm -rf "$mods"; mkdir -p "$mods"
  cp "$here/package.json" "$here/package-lock.json" "$mods/"
  # playwright-core has no install script; the flag keeps any future one from fetching a browser.
  (cd "$mods" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
    || { echo "FAIL: npm ci in $mods failed" >&2; exit 1; }
  echo "$want" >"$stamp"
fi

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
