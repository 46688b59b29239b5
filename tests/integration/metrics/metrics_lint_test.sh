#!/usr/bin/env bash
# `promtool check metrics` on the live /metrics of both binaries, so that what Prometheus
# scrapes follows its conventions (HELP and TYPE, base units, _total on counters only):
#   app       the minitwit binary against the test PostgreSQL (MINITWIT_TEST_DATABASE_URL, a
#             fresh database), after requests that fill every family (routes, 2xx/4xx, the
#             latency histogram, the timeline cache)
#   operator  the minitwit-operator binary with leader election, pointed at an API server
#             that refuses connections: it serves /metrics all the same, with client-go's
#             rest_client_requests_total{code="<error>"} among the rest
# Any lint problem fails the test and is printed. promtool comes from the cluster cache
# (tests/cluster/build.sh prometheus; built on first use).
# Usage: metrics_lint_test.sh --minitwit PATH --operator PATH
set -Eeuo pipefail
test_name=metrics-lint
source "$(dirname "${BASH_SOURCE[0]}")/../../e2e/lib/common.sh"
trap_errors

minitwit_bin="" operator_bin=""
while (($#)); do
  case "$1" in
    --minitwit) minitwit_bin="$2"; shift 2 ;;
    --operator) operator_bin="$2"; shift 2 ;;
    *) echo "usage: $0 --minitwit PATH --operator PATH" >&2; exit 2 ;;
  esac
done
[[ -x "$minitwit_bin" ]] || missing "the app binary at '$minitwit_bin' (target minitwit)"
[[ -x "$operator_bin" ]] || missing "the operator binary at '$operator_bin' (target minitwit-operator)"
[[ -n "${MINITWIT_TEST_DATABASE_URL:-}" ]] ||
  missing "MINITWIT_TEST_DATABASE_URL (hack/test.sh sets it; or eval \"\$(tests/support/postgres.sh start DIR)\")"
require_tool psql "Debian package postgresql-client"
require_tool curl "Debian package curl"

prometheus_bin="$("$repo_root/tests/cluster/build.sh" --bin-dir prometheus)" || fail "tests/cluster/build.sh prometheus failed"
promtool="$prometheus_bin/promtool"

work="$(mktemp -d /tmp/minitwit-metrics-lint.XXXXXX)"
db="metrics_lint_$$"
app_pid=""
cleanup() {
  local rc=$?
  [[ -z "$app_pid" ]] || { kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; } || true
  stop_all_operators
  psql -q "$MINITWIT_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# lint NAME FILE: promtool's verdict; any problem it reports is a failure.
lint() {
  local out rc=0
  out="$("$promtool" check metrics <"$2" 2>&1)" || rc=$?
  if ((rc != 0)) || [[ -n "$out" ]]; then
    fail "$1: promtool check metrics (exit $rc):"$'\n'"$out"
  fi
}
# has NAME FILE SERIES...: each series (a line prefix) is in the exposition.
has() {
  local name="$1" file="$2" series; shift 2
  for series in "$@"; do grep -qF -- "$series" "$file" || fail "$name: no '$series' in /metrics"; done
}

# --- app ---------------------------------------------------------------------------------
t="$(now_ms)"
psql -q "$MINITWIT_TEST_DATABASE_URL" -c "CREATE DATABASE $db" >/dev/null || fail "cannot create database $db"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATABASE_URL="${MINITWIT_TEST_DATABASE_URL%/*}/$db" PORT="$port" BIND_ADDRESS=127.0.0.1 \
  SESSION_SECRET=metrics-lint-secret-0123456789abcdef "$minitwit_bin" >"$work/app.log" 2>&1 &
app_pid=$!
app="http://127.0.0.1:$port"
eventually 60 "the app is ready ($app/readyz)" curl -sf --max-time 2 "$app/readyz"
sim=(-H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' -H 'Content-Type: application/json')
curl -s -o /dev/null --max-time 5 -X POST "${sim[@]}" --data '{"username":"lint","email":"l@example.com","pwd":"x"}' \
  "$app/register?latest=1"
curl -s -o /dev/null --max-time 5 -X POST "${sim[@]}" --data '{"content":"hi"}' "$app/msgs/lint?latest=2"
for path in /msgs /msgs /public /latest /msgs/nobody /no-such-page; do
  curl -s -o /dev/null --max-time 5 "${sim[@]}" "$app$path"
done
curl -sf --max-time 5 "$app/metrics" >"$work/app.prom" || fail "app: GET /metrics failed"
lint app "$work/app.prom"
has app "$work/app.prom" 'minitwit_http_requests_total{route="/msgs/<username>",method="POST",code="204"}' \
  'minitwit_http_request_duration_seconds_bucket{' minitwit_http_requests_in_flight 'minitwit_db_pool_connections{' \
  minitwit_db_pool_size process_cpu_seconds_total process_resident_memory_bytes process_start_time_seconds \
  process_open_fds
pass_app="$(grep -c '^[a-z]' "$work/app.prom") samples, $((($(now_ms) - t))) ms"
say "PASS app: $pass_app"

# --- operator ----------------------------------------------------------------------------
t="$(now_ms)"
cat >"$work/kubeconfig" <<'YAML'
apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: lint}}]
contexts: [{name: none, context: {cluster: none, user: none, namespace: default}}]
current-context: none
YAML
start_operator lint "$operator_bin" "$work/kubeconfig" --leader-elect=true --retry-period 200ms
eventually 30 "the operator counts a failed API request" \
  holds '[[ "$(metrics lint | grep -c "^rest_client_requests_total{code=\"<error>\"")" -ge 1 ]]'
metrics lint >"$work/operator.prom" || fail "operator: GET /metrics failed"
lint operator "$work/operator.prom"
has operator "$work/operator.prom" 'controller_runtime_reconcile_total{controller="minitwit",result="success"}' \
  'controller_runtime_reconcile_time_seconds_bucket{controller="minitwit"' 'workqueue_depth{name="minitwit"}' \
  'leader_election_master_status{name="minitwit-operator-leader"} 0' 'rest_client_requests_total{code="<error>",method=' \
  process_cpu_seconds_total process_resident_memory_bytes process_start_time_seconds process_open_fds
say "PASS operator: $(grep -c '^[a-z]' "$work/operator.prom") samples, $((($(now_ms) - t))) ms"
