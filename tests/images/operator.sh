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
source "$here/lib.sh"
parse_image_args operator "minitwit-operator" "$@"
stripped_copy "$binary"
args=(--tag "$tag" --out "$out" --binary "$stripped:/usr/local/bin/minitwit-operator")
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
