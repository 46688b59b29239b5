# shellcheck shell=bash
# browser_npm_env MODULES_DIR: playwright-core installed with `npm ci` into MODULES_DIR (a
# build directory), redone only when package-lock.json changes; no browser is downloaded
# (the tests drive Debian's chromium). Sourced by the browser tests' runners.
browser_npm_env() {
  local mods="$1" here want stamp
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  command -v node >/dev/null && command -v npm >/dev/null || { echo "FAIL: node/npm not found" >&2; return 1; }
  stamp="$mods/.lock.sha256"
  want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -d "$mods/node_modules/playwright-core" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    rm -rf "$mods"; mkdir -p "$mods"
    cp "$here/package.json" "$here/package-lock.json" "$mods/"
    # playwright-core has no install script; the flag keeps any future one from fetching a browser.
    (cd "$mods" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
      || { echo "FAIL: npm ci in $mods failed" >&2; return 1; }
    echo "$want" >"$stamp"
  fi
}
