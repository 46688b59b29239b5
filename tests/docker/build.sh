#!/usr/bin/env bash
# Builds the app and operator images from the Dockerfile with the local Docker engine
# (BuildKit), as users with Docker and a registry do, and prints the time of each.
# Without a registry the base image is made locally first (tests/docker/base.sh).
# Usage: tests/docker/build.sh [--app-tag REF] [--operator-tag REF] [--out DIR] [--jobs N]
#   defaults: minitwit.local/minitwit:docker, minitwit.local/minitwit-operator:docker;
#   --out DIR also writes DIR/minitwit.tar and DIR/minitwit-operator.tar (docker-archive,
#   for `tests/cluster/cluster load-image` or `kind load image-archive`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"
app_tag=minitwit.local/minitwit:docker operator_tag=minitwit.local/minitwit-operator:docker
out="" jobs=""
usage() { sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while (($#)); do
  (($# >= 2)) || usage
  case "$1" in
    --app-tag) app_tag="$2" ;;
    --operator-tag) operator_tag="$2" ;;
    --out) out="$2" ;;
    --jobs) jobs="$2" ;;
    *) usage ;;
  esac
  shift 2
done
docker_require_engine
docker_buildkit_cmd
docker image inspect "$docker_base_image" >/dev/null 2>&1 || "$here/base.sh"

build() {  # TARGET TAG
  local t0=$SECONDS log
  log="$(mktemp)"
  echo "docker-build: $1 -> $2" >&2
  # --progress=plain keeps the compiler's output readable in CI logs; only its tail on failure.
  if ! "${buildkit[@]}" --progress=plain --target "$1" ${jobs:+--build-arg BUILD_JOBS="$jobs"} \
    -t "$2" "$repo_root" >"$log" 2>&1; then
    tail -40 "$log" >&2; rm -f "$log"
    docker_die "building $1 failed"
  fi
  rm -f "$log"
  echo "docker-build: $1 built in $((SECONDS - t0)) s ($(docker image inspect -f '{{.Size}}' "$2" | numfmt --to=iec))" >&2
}
build minitwit "$app_tag"
build minitwit-operator "$operator_tag"
if [[ -n "$out" ]]; then
  "$here/archive.sh" "$app_tag" "$out/minitwit.tar"
  "$here/archive.sh" "$operator_tag" "$out/minitwit-operator.tar"
fi
