# Sourced by the contract and browser test drivers: gives a test a database of its own
# and a running minitwit binary on a free loopback port, and cleans both up on exit.
#   harness_require_db                  MINITWIT_TEST_DATABASE_URL, psql and curl, or fail
#   harness_start_app BIN WORKDIR       exports APP_URL, APP_PID, APP_DB_URL, APP_LOG
#   harness_seed_simulator_users        registers users + messages + a follow via the API
# The EXIT trap stops the app and drops the database.

# A missing prerequisite is a failure with its reason: the test has nothing to check without it.
harness_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

harness_require_db() {
  [[ -n "${MINITWIT_TEST_DATABASE_URL:-}" ]] \
    || harness_fail "MINITWIT_TEST_DATABASE_URL is not set (run hack/test.sh)"
  command -v psql >/dev/null || harness_fail "psql not found (hack/install-deps.sh test)"
  command -v curl >/dev/null || harness_fail "curl not found (hack/install-deps.sh test)"
}

harness_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Prints the libpq URI with its database name replaced.
harness_db_url() {
  python3 - "$1" "$2" <<'EOF'
import sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
print(urllib.parse.urlunsplit(u._replace(path="/" + sys.argv[2])))
EOF
}

HARNESS_DB_NAME=""
HARNESS_APP_PID=""

harness_cleanup() {
  local rc=$?
  if [[ -n "$HARNESS_APP_PID" ]] && kill -0 "$HARNESS_APP_PID" 2>/dev/null; then
    kill -TERM "$HARNESS_APP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$HARNESS_APP_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$HARNESS_APP_PID" 2>/dev/null || true
    wait "$HARNESS_APP_PID" 2>/dev/null || true
  fi
  if [[ -n "$HARNESS_DB_NAME" ]]; then
    psql "$MINITWIT_TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 \
      -c "DROP DATABASE IF EXISTS \"$HARNESS_DB_NAME\" WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  exit "$rc"
}
trap harness_cleanup EXIT

# harness_start_app BIN WORKDIR
harness_start_app() {
  local bin="$1" work="$2"
  [[ -x "$bin" ]] || harness_fail "minitwit binary not found at '$bin'"
  mkdir -p "$work"
  HARNESS_DB_NAME="minitwit_qa_$(date +%s)_$$_${RANDOM}"
  psql "$MINITWIT_TEST_DATABASE_URL" -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$HARNESS_DB_NAME\"" >/dev/null \
    || { echo "FAIL: cannot create database $HARNESS_DB_NAME" >&2; exit 1; }
  APP_DB_URL="$(harness_db_url "$MINITWIT_TEST_DATABASE_URL" "$HARNESS_DB_NAME")"
  local port; port="$(harness_free_port)"
  APP_URL="http://127.0.0.1:$port"
  APP_LOG="$work/app.log"
  DATABASE_URL="$APP_DB_URL" PORT="$port" BIND_ADDRESS=127.0.0.1 \
    SESSION_SECRET="qa-test-secret-0123456789abcdef0123456789abcdef" LOG_LEVEL="${APP_LOG_LEVEL:-warn}" \
    "$bin" >"$APP_LOG" 2>&1 &
  HARNESS_APP_PID=$!
  APP_PID=$HARNESS_APP_PID
  for _ in $(seq 1 300); do
    if ! kill -0 "$HARNESS_APP_PID" 2>/dev/null; then
      echo "FAIL: minitwit exited during start-up; log:" >&2; cat "$APP_LOG" >&2; exit 1
    fi
    if curl -fsS -o /dev/null --max-time 2 "$APP_URL/latest" 2>/dev/null; then
      export APP_URL APP_PID APP_DB_URL APP_LOG
      echo "harness: minitwit pid $APP_PID at $APP_URL (db $HARNESS_DB_NAME)" >&2
      return 0
    fi
    sleep 0.1
  done
  echo "FAIL: minitwit did not answer GET /latest within 30 s; log:" >&2; cat "$APP_LOG" >&2; exit 1
}

HARNESS_AUTH="Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"

# harness_api METHOD PATH [JSON] -> prints the status code
harness_api() {
  local args=(-sS -o /dev/null -w '%{http_code}' --max-time 5 -X "$1" -H "$HARNESS_AUTH"
    -H 'Content-Type: application/json')
  [[ $# -ge 3 ]] && args+=(--data-binary "$3")
  curl "${args[@]}" "$APP_URL$2"
}

harness_expect() {
  local want="$1"; shift
  local got; got="$(harness_api "$@")"
  [[ "$got" == "$want" ]] || { echo "FAIL: seeding: $1 $2 -> $got, expected $want" >&2; exit 1; }
}

# The users the OpenAPI examples name, so the examples phase reaches 200/204 answers.
harness_seed_simulator_users() {
  harness_expect 204 POST '/register?latest=1' '{"username":"Roger Histand","email":"roger@example.com","pwd":"secret1"}'
  harness_expect 204 POST '/register?latest=2' '{"username":"Mikaela Chau","email":"mikaela@example.com","pwd":"secret2"}'
  harness_expect 204 POST '/register?latest=3' '{"username":"alice","email":"alice@example.com","pwd":"secret3"}'
  harness_expect 204 POST '/msgs/Roger%20Histand?latest=4' '{"content":"Hello from Roger: <b>&amp;</b> äöü 😀"}'
  harness_expect 204 POST '/msgs/Mikaela%20Chau?latest=5' '{"content":"Mikaela was here"}'
  harness_expect 204 POST '/fllws/Roger%20Histand?latest=6' '{"follow":"Mikaela Chau"}'
}
