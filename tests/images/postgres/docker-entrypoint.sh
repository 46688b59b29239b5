#!/bin/sh
# Entrypoint of the local Postgres image, compatible with the common postgres image's
# conventions: POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
# POSTGRES_USER (default postgres), POSTGRES_DB (default $POSTGRES_USER), PGDATA,
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256) and
# /docker-entrypoint-initdb.d/*.sql|*.sh run once on an empty data directory.
# Beyond them: POSTGRES_APP_USER and POSTGRES_APP_PASSWORD make an application role that is
# no superuser, may create no roles or databases, and owns POSTGRES_DB (so it owns the tables
# it creates there and nothing else); PUBLIC loses CONNECT to that database. The superuser
# (POSTGRES_USER) then gets POSTGRES_PASSWORD or, when that is empty, a random password
# nobody keeps: administration goes through the local socket (kubectl exec ... psql).
# Started as root it prepares the directories and re-runs itself as user postgres;
# started as any other user it needs PGDATA (or its parent) to be writable by that user.
set -eu

export PATH="/usr/lib/postgresql/15/bin:$PATH"
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

log() { echo "docker-entrypoint: $*" >&2; }

# "docker run image -c foo=bar" means postgres flags.
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi

if [ "$1" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec su -s /bin/sh postgres -c 'exec "$0" "$@"' -- "$0" "$@"
fi

mkdir -p "$PGDATA"
chmod 700 "$PGDATA" 2>/dev/null || true

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [ -n "${POSTGRES_APP_USER:-}" ] && [ -z "${POSTGRES_APP_PASSWORD:-}" ]; then
    log "error: POSTGRES_APP_USER is set but POSTGRES_APP_PASSWORD is not."
    exit 1
  fi
  if [ -n "${POSTGRES_APP_USER:-}" ] && [ -z "${POSTGRES_PASSWORD:-}" ]; then
    POSTGRES_PASSWORD="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  fi
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth" != trust ]; then
    log "error: the database is uninitialized and POSTGRES_PASSWORD is not set."
    log "       Set POSTGRES_PASSWORD to a non-empty value (or POSTGRES_HOST_AUTH_METHOD=trust)."
    exit 1
  fi
  POSTGRES_USER="${POSTGRES_USER:-postgres}"
  POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
  pwfile="$(mktemp)"
  printf '%s\n' "${POSTGRES_PASSWORD:-}" >"$pwfile"
  log "initializing $PGDATA for user $POSTGRES_USER"
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list by convention
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host="$auth" --encoding=UTF8 --locale=C ${POSTGRES_INITDB_ARGS:-} >&2
  rm -f "$pwfile"
  {
    echo "host all all all $auth"
  } >>"$PGDATA/pg_hba.conf"
  {
    echo "listen_addresses = '*'"
    echo "jit = off"
  } >>"$PGDATA/postgresql.conf"

  # A server on the Unix socket only, for creating the database and running init scripts.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -t 60 start >&2
  psql_base="psql -v ON_ERROR_STOP=1 --no-psqlrc --username=$POSTGRES_USER"
  if [ "$POSTGRES_DB" != postgres ]; then
    db_ident="$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')"
    $psql_base --dbname=postgres -c "CREATE DATABASE \"$db_ident\"" >&2
  fi
  if [ -n "${POSTGRES_APP_USER:-}" ]; then
    log "creating role $POSTGRES_APP_USER, owner of database $POSTGRES_DB"
    # psql variables quote the name and the password (-c would not interpolate them).
    $psql_base --dbname=postgres -v app="$POSTGRES_APP_USER" -v pw="$POSTGRES_APP_PASSWORD" -v db="$POSTGRES_DB" >&2 <<'SQL'
CREATE ROLE :"app" LOGIN PASSWORD :'pw' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
ALTER DATABASE :"db" OWNER TO :"app";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"app";
SQL
    # Postgres 15's public schema belongs to pg_database_owner: the role may create there.
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh) log "running $f"; . "$f" ;;
      *.sql) log "running $f"; $psql_base --dbname="$POSTGRES_DB" -f "$f" >&2 ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | $psql_base --dbname="$POSTGRES_DB" >&2 ;;
      *) log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >&2
  log "initialization complete"
fi

exec "$@"
