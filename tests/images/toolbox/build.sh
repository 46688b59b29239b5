#!/usr/bin/env bash
# Builds a tiny test-client image: Debian's static busybox (sh, wget, nslookup, nc, ...).
# Usage: tests/images/toolbox/build.sh [--tag REF] [--out FILE]
#   defaults: minitwit.local/toolbox:1, build-cluster/images/toolbox.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
tag="minitwit.local/toolbox:1"
out="$repo_root/build-cluster/images/toolbox.tar"
source "$here/../lib.sh"
parse_image_args toolbox "" "$@"
busybox="$(command -v busybox || true)"
[[ -n "$busybox" ]] && ! ldd "$busybox" >/dev/null 2>&1 ||
  { echo "toolbox: a static busybox is needed (apt-get install busybox-static)" >&2; exit 1; }
args=(--tag "$tag" --out "$out" --file "$busybox:/bin/busybox")
for applet in sh ash cat echo env grep head httpd id ls nc nslookup ping ps sleep tail \
  timeout true false wc wget; do
  args+=(--symlink "/bin/busybox:/bin/$applet")
done
args+=(--account toolbox:65532:65532 --entrypoint '["/bin/sh"]')
"$here/../build-image.sh" "${args[@]}"
