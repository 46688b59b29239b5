#!/usr/bin/env bash
# Monitoring end to end on the full local node, on a real Prometheus (tests/e2e/lib/prometheus.sh)
# that scrapes the app pods and the operator and loads the chart's alert rules
# (charts/minitwit-operator/files/rules/*.yaml). Under simulator load:
#   inputs     the series the alert rules read exist with the labels the rules expect; all
#              rules are loaded and no MiniTwit alert fires on a healthy MiniTwit
#   dashboard  every panel query of the chart's Grafana dashboard returns series
#              (tests/monitoring/check-dashboard.sh)
#   down       the database refuses the app's role (ALTER ROLE ... NOLOGIN, its sessions
#              ended): every request is a 503 while the pods stay Ready, which the operator
#              does not undo. MiniTwitDown must fire; then the role may log in again and the
#              alert must resolve. Figures: seconds from the breakage to firing, from the
#              mend to resolved.
# Usage: monitoring_test.sh --operator PATH --minitwit PATH --sim PATH [--images DIR]
set -Eeuo pipefail
test_name=monitoring
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/full_node.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/prometheus.sh"
trap_errors

test_args "--operator PATH --minitwit PATH --sim PATH [--images DIR]" "$@"
require_root
require_tool jq "Debian package jq"
require_tool curl "Debian package curl"
dashboard="$repo_root/charts/minitwit-operator/files/dashboards/minitwit.json"

work="$(mktemp -d /tmp/minitwit-e2e-monitoring.XXXXXX)"
images="${images:-$work/images}"
mkdir -p "$images"
full_node_claim

load_pid=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -z "$load_pid" ]] || { kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null; } || true
  [[ ! -s "$work/figures" ]] || { echo "--- figures"; cat "$work/figures"; }
  if ((rc != 0)) && [[ -n "${PROM_URL:-}" ]]; then
    echo "----- Prometheus alerts" >&2
    curl -s --max-time 5 "$PROM_URL/api/v1/alerts" | jq -c '.data.alerts[]? | {alert: .labels.alertname, state, labels, activeAt}' >&2 || true
  fi
  full_node_release "$rc" || rc=$?
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
figure() { echo "FIGURE $1: $2" | tee -a "$work/figures"; }
started="$(now_ms)"
elapsed() { echo "$((($(now_ms) - started) / 1000))"; }

# --- the node, the operator, a MiniTwit, Prometheus ----------------------------------------
say "building images"
full_node_images "$images" "$minitwit_bin" "$operator_bin"
full_node_up "$images"/*.tar
install_operator
say "kubectl apply -f examples/minitwit-incluster-db.yaml"
kubectl apply -f "$repo_root/examples/minitwit-incluster-db.yaml" >&2
eventually 300 "MiniTwit minitwit/dev becomes Ready" \
  holds '[[ "$(kubectl -n minitwit get minitwit dev -o jsonpath="{.status.phase}")" == Ready ]]'
url="http://$(kubectl -n minitwit get service dev -o jsonpath='{.spec.clusterIP}')"
eventually 30 "the Service answers from the host ($url/latest)" curl -sf --max-time 2 "$url/latest"
prometheus_up
say "MiniTwit Ready and Prometheus up at $(elapsed) s"

# Load: the simulator's tweets, open loop at 20 a second (registers first), for longer than
# the test needs; its errors are expected while the database refuses the app.
"$sim_bin" --url "$url" --generate 2000 --seed 7 --only tweet --rate 20 --duration 10m --timeout-ms 2000 \
  --max-errors 1000000000 --quiet --json >"$work/load.json" 2>"$work/load.err" &
load_pid=$!

# --- inputs --------------------------------------------------------------------------------
# prom_has EXPR: the instant query returns at least one series.
prom_has() { local r; r="$(prom_query "$1")" && [[ "$(jq length <<<"$r")" -gt 0 ]]; }
eventually 120 "Prometheus sees successful requests of minitwit/dev" \
  prom_has 'sum(rate(minitwit_http_requests_total{namespace="minitwit",minitwit="dev",code=~"2..",route!~"/metrics|/healthz|/readyz"}[1m])) > 0'
for expr in \
  'minitwit_operator_replicas{namespace="minitwit",name="dev",type="ready"} == 2' \
  'minitwit_operator_replicas{namespace="minitwit",name="dev",type="desired"} == 2' \
  'minitwit_operator_database_ready{namespace="minitwit",name="dev"} == 1' \
  'minitwit_operator_rollbacks_total{namespace="minitwit",name="dev"} == 0' \
  'count(leader_election_master_status{name="minitwit-operator-leader"} == 1) == 1' \
  'controller_runtime_reconcile_errors_total{controller="minitwit"}' \
  'minitwit_http_request_duration_seconds_bucket{namespace="minitwit"}'; do
  eventually 60 "Prometheus has $expr" prom_has "$expr"
done
rules_loaded="$(curl -sf --max-time 5 "$PROM_URL/api/v1/rules?type=alert" | jq -r '[.data.groups[].rules[].name] | unique | join(" ")')"
for alert in MiniTwitDown MiniTwitHighErrorRatio MiniTwitHighLatency MiniTwitAutoscalerAtMax MiniTwitDatabaseNotReady \
  MiniTwitRolledBack MiniTwitOperatorReconcileErrors MiniTwitOperatorNoLeader; do
  [[ " $rules_loaded " == *" $alert "* ]] || fail "inputs: Prometheus has not loaded the alert $alert (loaded: $rules_loaded)"
done
# alerts_json: Prometheus' active (pending or firing) alerts.
alerts_json() { curl -sf --max-time 5 "$PROM_URL/api/v1/alerts" | jq -c '[.data.alerts[] | {name: .labels.alertname, state, labels}]'; }
# None fires on a healthy MiniTwit; a pending one is shown (a reconcile conflict at start-up
# makes MiniTwitOperatorReconcileErrors pending for a while, as it should).
active="$(alerts_json)"
jq -e '[.[] | select((.name | startswith("MiniTwit")) and .state == "firing")] | length == 0' <<<"$active" >/dev/null \
  || fail "inputs: MiniTwit alerts firing on a healthy MiniTwit: $active"
pass inputs "every rule input present with the expected labels; 8 alerts loaded; none firing at $(elapsed) s (pending: $(jq -r '[.[] | select(.state == "pending") | .name] | join(", ") | if . == "" then "none" else . end' <<<"$active"))"

# --- dashboard -----------------------------------------------------------------------------
# A rate() over [1m] needs two samples of a series, so right after Prometheus starts (and the
# operator, converged, no longer moves its counters) a panel may be empty for a few scrapes:
# the check is retried for up to a minute; a wrong query stays empty and fails.
dashboard_ok() { "$repo_root/tests/monitoring/check-dashboard.sh" "$PROM_URL" "$dashboard" >"$work/dashboard.out" 2>&1; }
t="$(now_ms)" dashboard_passed=0
for ((i = 0; i < 12; i++)); do dashboard_ok && { dashboard_passed=1; break; }; sleep 5; done
cat "$work/dashboard.out" >&2
((dashboard_passed)) || fail "dashboard: a panel query errors or returns nothing 60 s after Prometheus started (above)"
pass dashboard "every panel query of $(basename "$dashboard") returns series ($((($(now_ms) - t) / 1000)) s after the inputs)"

# --- down: the database refuses the app ----------------------------------------------------
psql_db() { kubectl -n minitwit exec dev-db-0 -- psql -U postgres -d minitwit -v ON_ERROR_STOP=1 -tAc "$1"; }
role="$(psql_db "select distinct usename from pg_stat_activity where datname = 'minitwit' and backend_type = 'client backend'
  and usename <> 'postgres' and pid <> pg_backend_pid()")"
[[ -n "$role" && "$role" != *$'\n'* ]] || fail "down: cannot tell the app's database role (got '$role')"
# down_state: "firing", "pending" or "none" for MiniTwitDown of namespace minitwit.
down_state() {
  alerts_json | jq -r '[.[] | select(.name == "MiniTwitDown" and .labels.namespace == "minitwit") | .state]
    | if index("firing") then "firing" elif index("pending") then "pending" else "none" end'
}
say "down: the database refuses role $role (NOLOGIN, sessions ended)"
broken="$(now_ms)"
# The ALTER commits first, so that no session the app opens after the kill can log in.
psql_db "alter role \"$role\" nologin" >&2
psql_db "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = '$role'" >&2
pending_s=""
deadline=$((broken + 240 * 1000))
while :; do
  state="$(down_state)" || state=unknown
  [[ "$state" != pending || -n "$pending_s" ]] || pending_s="$(awk -v ms="$(($(now_ms) - broken))" 'BEGIN { printf "%.1f", ms / 1000 }')"
  [[ "$state" == firing ]] && break
  (($(now_ms) < deadline)) || fail "down: MiniTwitDown is not firing 240 s after the breakage (state $state)"
  sleep 1
done
fire_s="$(awk -v ms="$(($(now_ms) - broken))" 'BEGIN { printf "%.1f", ms / 1000 }')"
errors_5xx="$(prom_value 'sum(rate(minitwit_http_requests_total{namespace="minitwit",code=~"5.."}[1m]))')" || errors_5xx=unknown
say "down: MiniTwitDown firing after $fire_s s (pending after ${pending_s:-?} s); 5xx rate $errors_5xx/s"

say "down: mending (the role may log in again)"
mended="$(now_ms)"
psql_db "alter role \"$role\" login" >&2
deadline=$((mended + 180 * 1000))
until [[ "$(down_state)" == none ]]; do
  (($(now_ms) < deadline)) || fail "down: MiniTwitDown still active 180 s after the mend"
  sleep 1
done
resolve_s="$(awk -v ms="$(($(now_ms) - mended))" 'BEGIN { printf "%.1f", ms / 1000 }')"
figure monitoring.down "MiniTwitDown firing ${fire_s} s after the database refused the app (pending after ${pending_s:-?} s), resolved ${resolve_s} s after the mend"
pass down "fired in ${fire_s} s, resolved in ${resolve_s} s"

kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""
say "all passed in $(elapsed) s"
