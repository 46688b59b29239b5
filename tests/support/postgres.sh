#!/usr/bin/env bash
# Starts Debian's PostgreSQL on a temporary data directory and a free loopback port.
#   eval "$(tests/support/postgres.sh start DIR)"   exports MINITWIT_TEST_DATABASE_URL, PGPORT
#   tests/support/postgres.sh stop DIR
# The server runs as the invoking user, or as 'postgres' when invoked as root.
set -euo pipefail
cmd="${1:?usage: postgres.sh start|stop DIR}"; dir="${2:?usage: postgres.sh start|stop DIR}"
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bindir/initdb" ]] || { echo "postgres.sh: PostgreSQL server binaries not found (hack/install-deps.sh test)" >&2; exit 1; }
as_owner() { if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

case "$cmd" in
  start)
    mkdir -p "$dir"; [[ $(id -u) -eq 0 ]] && chown postgres "$dir"
    if [[ ! -f "$dir/data/PG_VERSION" ]]; then
      as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    port="$(free_port)"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres"
    echo "export MINITWIT_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres"
    echo "export MINITWIT_TEST_PG_BINDIR=$bindir MINITWIT_TEST_PG_DATADIR=$dir/data"
    ;;
  stop)
    [[ -f "$dir/data/postmaster.pid" ]] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    ;;
  *) echo "usage: postgres.sh start|stop DIR" >&2; exit 2 ;;
esac
