#!/usr/bin/env bash
# Builds the Prometheus image from the binaries tests/cluster/build.sh compiles from the Go
# module proxy (static; built first when missing), as a docker-archive tarball: prometheus alone
# (promtool stays on the host), running as nobody (65534). The web UI's assets are not part of
# the module, so the image serves the HTTP API, /metrics and the health endpoints, not the UI.
# Usage: tests/images/prometheus.sh [--tag REF] [--out FILE]
#   defaults: minitwit.local/prometheus:v<version>, build-cluster/images/prometheus.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
source "$repo_root/tests/cluster/versions.env"
version="${PROMETHEUS_VERSION#v0.}"; version="3.$((10#${version%%.*} - 300)).${version#*.}"
tag="minitwit.local/prometheus:v$version"
out="$repo_root/build-cluster/images/prometheus.tar"
source "$here/lib.sh"
parse_image_args prometheus "" "$@"
bin="$("$repo_root/tests/cluster/build.sh" --bin-dir prometheus)"
"$here/build-image.sh" --tag "$tag" --out "$out" \
  --binary "$bin/prometheus:/bin/prometheus" \
  --mkdir /prometheus:0755:65534:65534 --user nobody:65534:65534 --workdir /prometheus \
  --expose 9090 --entrypoint '["/bin/prometheus"]' \
  --label org.opencontainers.image.title=prometheus --label "org.opencontainers.image.version=$version"
