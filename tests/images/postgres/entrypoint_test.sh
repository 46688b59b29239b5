#!/usr/bin/env bash
# The Postgres image's entrypoint, run on this host's PostgreSQL 15 binaries: with
# POSTGRES_APP_USER the application connects as a role that is no superuser, cannot create
# roles or databases, and owns its database (so it can run MiniTwit's migrations), while
# the superuser cannot log in over TCP with any password the application knows.
#   entrypoint_test.sh            (root or user postgres; PostgreSQL 15 server binaries)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { echo "FAIL: $*" >&2; exit 1; }
# A container starts without libpq's variables; the test suite's own PGPORT/PGHOST would
# point the entrypoint's private start-up server at another one's port.
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD
[[ -x /usr/lib/postgresql/15/bin/initdb ]] || fail "PostgreSQL 15 server binaries missing (hack/install-deps.sh test)"
work="$(mktemp -d /tmp/minitwit-pg-entrypoint.XXXXXX)"
pid=""
cleanup() { if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
[[ $(id -u) -eq 0 ]] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PGDATA="$work/data" POSTGRES_USER=postgres POSTGRES_DB=minitwit POSTGRES_APP_USER=minitwit \
  POSTGRES_APP_PASSWORD='app pw with '"'"'quotes' \
  "$here/docker-entrypoint.sh" postgres -p "$port" -k "$work" -c listen_addresses=127.0.0.1 >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.1  # poll interval
done
pg_isready -q -h 127.0.0.1 -p "$port" || { cat "$work/log"; fail "server not ready"; }
app() { PGPASSWORD="app pw with 'quotes" psql -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U minitwit -d minitwit "$@"; }
[[ "$(app -c 'SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user')" == "f|f|f" ]] \
  || fail "the application role has more than it needs"
app -c 'CREATE TABLE users (id bigint); INSERT INTO users VALUES (1); CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;' \
  || fail "the application role cannot create its tables (migrations)"
app -c 'CREATE DATABASE other' 2>/dev/null && fail "the application role created a database"
app -c 'ALTER ROLE minitwit SUPERUSER' 2>/dev/null && fail "the application role made itself superuser"
PGPASSWORD="app pw with 'quotes" psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d minitwit -c 'SELECT 1' >/dev/null 2>&1 \
  && fail "the superuser logs in over TCP with the application's password"
echo PASS
