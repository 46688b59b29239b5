# shellcheck shell=bash
# Shared by tests/docker/*.sh: the base image the Dockerfile names, and a Docker client that
# builds with BuildKit (the Dockerfile's cache mounts need it).
docker_base_image=debian:bookworm-slim

docker_die() { echo "docker: $*" >&2; exit 1; }

# docker_require_engine: the engine answers; when it does not, tests/kind/engine.sh starts
# one (Debian's docker.io as a plain dockerd; idempotent, never restarts a running one).
docker_require_engine() {
  command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1 && return 0
  "$(dirname "${BASH_SOURCE[0]}")/../kind/engine.sh" start >&2 ||
    docker_die "the Docker engine does not answer and tests/kind/engine.sh start failed"
  timeout 20 docker info >/dev/null 2>&1 || docker_die "the Docker engine does not answer"
}

# docker_buildkit_cmd: sets the array `buildkit` to a command that takes `docker build`
# arguments and builds with BuildKit: `docker buildx build --load` when the buildx plugin is
# there, else a client older than 23 (Debian's docker.io 20.10 has BuildKit built in) with
# DOCKER_BUILDKIT=1. Newer clients without buildx only have the legacy builder.
docker_buildkit_cmd() {
  local c major
  for c in docker /usr/bin/docker; do
    command -v "$c" >/dev/null || continue
    if "$c" buildx version >/dev/null 2>&1; then buildkit=("$c" buildx build --load); return 0; fi
    major="$("$c" version --format '{{.Client.Version}}' 2>/dev/null | cut -d. -f1)"
    if [[ "$major" =~ ^[0-9]+$ ]] && ((major < 23)); then buildkit=(env DOCKER_BUILDKIT=1 "$c" build); return 0; fi
  done
  docker_die "no Docker client that builds with BuildKit: install the buildx plugin (docker-buildx) or use Debian's docker.io client"
}
