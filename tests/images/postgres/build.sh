#!/usr/bin/env bash
# Builds the local Postgres image (Debian's postgresql-15 binaries, busybox as /bin/sh)
# as a docker-archive tarball.
# Usage: tests/images/postgres/build.sh [--tag REF] [--out FILE]
#   defaults: minitwit.local/postgres:15, build-cluster/images/postgres.tar
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../../.." && pwd)"
tag="minitwit.local/postgres:15"
out="$repo_root/build-cluster/images/postgres.tar"
source "$here/../lib.sh"
parse_image_args postgres "" "$@"

pg=/usr/lib/postgresql/15
[[ -x "$pg/bin/postgres" ]] || { echo "postgres: $pg/bin/postgres missing (apt-get install postgresql-15)" >&2; exit 1; }
busybox="$(command -v busybox || true)"
[[ -n "$busybox" ]] && ! ldd "$busybox" >/dev/null 2>&1 ||
  { echo "postgres: a static busybox is needed (apt-get install busybox-static)" >&2; exit 1; }

# The image depends only on these inputs; an up-to-date tarball is reused (the library
# scan is slow).
key="$({
  echo "$tag"
  dpkg-query -W -f='${Package} ${Version}\n' postgresql-15 busybox-static libc6 2>/dev/null || true
  cat "$0" "$here/docker-entrypoint.sh" "$here/../build-image.sh"
} | sha256sum | cut -d' ' -f1)"
if [[ -f "$out" && "$(cat "$out.key" 2>/dev/null)" == "$key" ]]; then
  echo "postgres image: $out is up to date" >&2
  exit 0
fi

args=(--tag "$tag" --out "$out")
for b in postgres initdb pg_ctl psql pg_isready pg_dump pg_restore; do
  args+=(--binary "$pg/bin/$b")
done
args+=(--symlink "postgres:$pg/bin/postmaster")
# Server modules (plpgsql, dictionaries, contrib), without the LLVM JIT (jit = off).
for lib in "$pg"/lib/*.so; do
  [[ "$(basename "$lib")" == llvmjit* ]] && continue
  args+=(--lib "$lib")
done
args+=(--dir /usr/share/postgresql/15 --dir /usr/share/zoneinfo)
# The shell and the few tools the entrypoint uses, all from one static busybox.
args+=(--file "$busybox:/bin/busybox")
for applet in sh su id mkdir chmod chown cat rm ls sed mktemp gunzip env sleep; do
  args+=(--symlink "/bin/busybox:/bin/$applet")
done
args+=(--file "$here/docker-entrypoint.sh:/usr/local/bin/docker-entrypoint.sh")
args+=(--account postgres:999:999)
args+=(--mkdir /var/lib/postgresql:755:999:999 --mkdir /var/lib/postgresql/data:1777:999:999)
args+=(--mkdir /var/run/postgresql:3777:999:999 --mkdir /docker-entrypoint-initdb.d:755)
args+=(--env PGDATA=/var/lib/postgresql/data --env LANG=C.UTF-8)
args+=(--env "PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
args+=(--entrypoint '["/usr/local/bin/docker-entrypoint.sh"]' --cmd '["postgres"]')
args+=(--expose 5432 --label org.opencontainers.image.title=minitwit-local-postgres)
# The image's default user is root, as in the common postgres image: the entrypoint fixes
# the data directory's owner and then runs postgres as user postgres (uid 999).
"$here/../build-image.sh" "${args[@]}"
echo "$key" >"$out.key"
