#!/usr/bin/env bash
# Builds the MiniTwit app image from the locally built `minitwit` binary (migrations and
# static assets are compiled into it) as a docker-archive tarball.
# Usage: tests/images/minitwit/build.sh [--binary PATH] [--tag REF] [--out FILE]
#   defaults: build-cluster/app/minitwit, minitwit.local/minitwit:dev,
#             build-cluster/images/minitwit.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
binary="$repo_root/build-cluster/app/minitwit"
tag="minitwit.local/minitwit:dev"
out="$repo_root/build-cluster/images/minitwit.tar"
source "$here/../lib.sh"
parse_image_args minitwit "minitwit" "$@"
stripped_copy "$binary"
args=(--tag "$tag" --out "$out" --binary "$stripped:/usr/local/bin/minitwit")
# glibc loads its name-service modules at run time (host names of the database).
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2; do
  [[ -e "$lib" ]] && args+=(--lib "$lib")
done
args+=(--user minitwit:10001:10001 --workdir /home/minitwit)
args+=(--env PORT=5000 --env BIND_ADDRESS=0.0.0.0 --expose 5000)
args+=(--entrypoint '["/usr/local/bin/minitwit"]')
args+=(--label org.opencontainers.image.title=minitwit)
"$here/../build-image.sh" "${args[@]}"
