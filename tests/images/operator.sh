#!/usr/bin/env bash
# Builds the operator image from the locally built `minitwit-operator` binary as a
# docker-archive tarball (for `tests/cluster/cluster load-image` or `kind load image-archive`).
# The chart runs it as uid 65532 with a read-only root file system and /tmp as an emptyDir.
# Usage: tests/images/operator.sh [--binary PATH] [--tag REF] [--out FILE]
#   defaults: build-cluster/operator/minitwit-operator, minitwit.local/minitwit-operator:dev,
#             build-cluster/images/minitwit-operator.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
binary="$repo_root/build-cluster/operator/minitwit-operator"
tag="minitwit.local/minitwit-operator:dev"
out="$repo_root/build-cluster/images/minitwit-operator.tar"
while (($#)); do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--tag REF] [--out FILE]" >&2; exit 2 ;;
  esac
done
[[ -x "$binary" ]] || {
  echo "operator image: no binary at $binary; build it first:" >&2
  echo "  cmake -S $repo_root -B $repo_root/build-cluster -G Ninja && cmake --build $repo_root/build-cluster --target minitwit-operator" >&2
  exit 1
}
mkdir -p "$(dirname "$out")"
# Debug information stays on the host: the image gets a stripped copy.
stripped="$(mktemp -d)"
trap 'rm -rf "$stripped"' EXIT
strip -o "$stripped/minitwit-operator" "$binary"
args=(--tag "$tag" --out "$out" --binary "$stripped/minitwit-operator:/usr/local/bin/minitwit-operator")
# Host names of an API server outside the cluster (kubeconfig) need glibc's NSS modules; the
# CA bundle serves a managed cluster's API server certificate chain.
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2; do
  [[ -e "$lib" ]] && args+=(--lib "$lib")
done
[[ -f /etc/ssl/certs/ca-certificates.crt ]] && args+=(--file /etc/ssl/certs/ca-certificates.crt)
args+=(--user nonroot:65532:65532 --workdir /)
args+=(--expose 8080 --entrypoint '["/usr/local/bin/minitwit-operator"]')
args+=(--label org.opencontainers.image.title=minitwit-operator)
"$here/build-image.sh" "${args[@]}"
