#!/usr/bin/env bash
# Makes the Dockerfile's base image (debian:bookworm-slim) locally, for machines that reach
# Debian's mirror but no container registry: a minbase Debian bookworm made with mmdebstrap
# and `docker import`ed under that tag. `docker build` uses a tag present in the engine
# without pulling it. Idempotent: an existing tag is kept unless --force.
# Usage: tests/docker/base.sh [--force]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/lib.sh"
force=0
case "${1:-}" in --force) force=1 ;; "") ;; *) echo "usage: $0 [--force]" >&2; exit 2 ;; esac
docker_require_engine
if ((!force)) && docker image inspect "$docker_base_image" >/dev/null 2>&1; then
  echo "base: $docker_base_image is present" >&2
  exit 0
fi
command -v mmdebstrap >/dev/null || docker_die "mmdebstrap is missing (apt-get install mmdebstrap)"
[[ $(id -u) -eq 0 ]] || docker_die "mmdebstrap needs root here"
t0=$SECONDS
echo "base: mmdebstrap --variant=minbase bookworm | docker import $docker_base_image" >&2
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
mmdebstrap --variant=minbase bookworm - 2>"$log" | docker import - "$docker_base_image" >/dev/null ||
  { tail -20 "$log" >&2; docker_die "making $docker_base_image failed"; }
echo "base: $docker_base_image in $((SECONDS - t0)) s ($(docker image inspect -f '{{.Size}}' "$docker_base_image" | numfmt --to=iec))" >&2
