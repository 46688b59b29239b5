#!/usr/bin/env bash
# Operator benchmark on a real control plane (tests/cluster `up --control-plane-only`, an
# instance of its own). Prints figures beside their targets; not a test (exit 0 unless the
# benchmark itself cannot run).
#   idle RSS                  the operator synced with no MiniTwit          target <= 15 MiB
#   create -> Deployment      p50/p99 over N runs, timed from the API
#                             server's answer to the create                 target p99 <= 200 ms
#   500 at once               until every one has observedGeneration ==
#                             generation and its Deployment                 target <= 60 s
#   RSS with 500              after they converged
#   steady state              API requests per converged MiniTwit per hour
#                             (the operator's own /metrics over a window)   target 0 writes
# The MiniTwits use an external database and replicas 0, so that the numbers measure the
# operator, not a controller-manager creating hundreds of pods nobody schedules.
# The steady-state window is shorter than the default resync period (10 min); pass
# `-- --resync-period 20s` (anything after -- goes to the operator) to include resyncs, and
# read "requests per reconcile" to scale the per-hour figure to another resync period.
# Usage: tests/bench/bench-operator.sh --operator PATH [--count 500] [--runs 50] [--window 60] [-- OPERATOR-ARGS]
set -Eeuo pipefail
test_name=bench-operator
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib/common.sh"
trap_errors

operator_bin="" count=500 runs=50 window=60
operator_args=()
while (($#)); do
  case "$1" in
    --operator) operator_bin="$2"; shift 2 ;;
    --count) count="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --window) window="$2"; shift 2 ;;
    --) shift; operator_args=("$@"); break ;;
    *) echo "usage: $0 --operator PATH [--count N] [--runs N] [--window SECONDS]" >&2; exit 2 ;;
  esac
done
[[ -x "$operator_bin" ]] || fail "no operator binary at '$operator_bin' (cmake --build BUILD --target minitwit-operator)"
[[ $(id -u) -eq 0 ]] || fail "needs root (the local cluster)"
command -v jq >/dev/null || fail "needs jq"

use_private_control_plane e2e-bench 252
work="$(mktemp -d /tmp/minitwit-bench-operator.XXXXXX)"
if "$cluster" status >/dev/null 2>&1 || [[ -d "$cluster_state/run" ]]; then "$cluster" down >&2; fi
cleanup() {
  local rc=$?
  trap - EXIT
  stop_all_operators
  stop_proxy
  "$cluster" down >&2 || rc=1
  ((rc == 0)) && rm -rf "$work" || echo "work directory kept: $work" >&2
  exit "$rc"
}
trap cleanup EXIT

MINITWIT_CLUSTER_BUILD=1 "$cluster" up --control-plane-only >&2
cluster_env
start_proxy "$work/proxy.log"
kubectl apply -f "$repo_root/crds/minitwits.minitwit.dev.yaml" >/dev/null
kubectl wait --for condition=Established --timeout 30s crd/minitwits.minitwit.dev >/dev/null
chart_rbac_kubeconfig minitwit-system "$work/operator.kubeconfig"

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/${operator_pids[$1]}/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# The external database Secret, as a user makes it (not labelled for the operator's cache).
db_secret() {
  kubectl create namespace "$1" >/dev/null
  kubectl -n "$1" create secret generic pg --from-literal uri=postgresql://minitwit:pw@db.example:5432/minitwit >/dev/null
}
minitwit_json() {  # minitwit_json NAMESPACE NAME
  printf '{"apiVersion":"minitwit.dev/v1alpha1","kind":"MiniTwit","metadata":{"name":"%s","namespace":"%s"},"spec":{"image":"minitwit.local/minitwit:1","replicas":0,"database":{"external":{"secretName":"pg"}}}}' "$2" "$1"
}
create() {  # create NAMESPACE NAME
  curl -sf --max-time 30 -X POST -H 'Content-Type: application/json' --data "$(minitwit_json "$1" "$2")" \
    "$proxy_url/apis/minitwit.dev/v1alpha1/namespaces/$1/minitwits" >/dev/null
}

start_operator bench "$operator_bin" "$work/operator.kubeconfig" --leader-elect=false "${operator_args[@]}"
eventually 60 "the operator syncs" curl -sf --max-time 2 "http://127.0.0.1:${operator_ports[bench]}/readyz"
sleep 5
idle_rss="$(rss_kib bench)"

# --- create -> Deployment ----------------------------------------------------------------
db_secret bench-latency
: >"$work/latency.ms"
for ((i = 0; i < runs; i++)); do
  create bench-latency "lat-$i"
  t="$(now_ms)"
  deadline=$((t + 30000))
  until api_exists "/apis/apps/v1/namespaces/bench-latency/deployments/lat-$i"; do
    (($(now_ms) < deadline)) || fail "lat-$i got no Deployment in 30 s"
    sleep 0.005
  done
  echo $(($(now_ms) - t)) >>"$work/latency.ms"
done
p50="$(percentile 50 "$work/latency.ms")"; p99="$(percentile 99 "$work/latency.ms")"

# --- many at once ------------------------------------------------------------------------
db_secret bench-many
converged_count() {
  local mts deploys
  mts="$(api /apis/minitwit.dev/v1alpha1/namespaces/bench-many/minitwits)" || { echo 0; return; }
  deploys="$(api /apis/apps/v1/namespaces/bench-many/deployments | jq -c '[.items[].metadata.name]')" || { echo 0; return; }
  jq --argjson d "$deploys" '[.items[] | select(.status.observedGeneration == .metadata.generation
    and (.metadata.name as $n | $d | index($n)) != null)] | length' <<<"$mts"
}
say "creating $count MiniTwits at once"
t="$(now_ms)"
seq 0 $((count - 1)) | xargs -P 8 -I{} bash -c "$(declare -f create minitwit_json); proxy_url=$proxy_url; create bench-many many-{}"
created_ms=$(($(now_ms) - t))
deadline=$((t + 600000))
while :; do
  n="$(converged_count)"
  ((n >= count)) && break
  (($(now_ms) < deadline)) || fail "only $n of $count converged after 600 s"
  sleep 0.5
done
converge_ms=$(($(now_ms) - t))
# Converged objects still see status follow-ups (the controller-manager fills in Deployment
# status); steady state starts once the write counter has stood still for 20 s (at most 5 min).
say "converged; waiting for the writes to settle"
settle_start="$(now_ms)" last="$(operator_writes bench)" still_since="$(now_ms)"
while (($(now_ms) - still_since < 20000)); do
  (($(now_ms) - settle_start < 300000)) || { say "writes did not settle in 5 min"; break; }
  sleep 2
  cur="$(operator_writes bench)"
  [[ "$cur" == "$last" ]] || { last="$cur"; still_since="$(now_ms)"; }
done
settle_s=$((($(now_ms) - settle_start) / 1000))
rss_many="$(rss_kib bench)"

# --- steady state ------------------------------------------------------------------------
say "measuring steady state over ${window}s"
req0="$(metric_sum bench '^minitwit_operator_api_requests_total')"
wr0="$(operator_writes bench)"; rec0="$(operator_reconciles bench)"
cpu0="$(awk '{print $14 + $15}' "/proc/${operator_pids[bench]}/stat")"
sleep "$window"
req1="$(metric_sum bench '^minitwit_operator_api_requests_total')"
wr1="$(operator_writes bench)"; rec1="$(operator_reconciles bench)"
metrics bench | grep -E '^(minitwit_operator_api_requests_total|controller_runtime_reconcile_total)' >"$work/metrics-end.txt"
cpu1="$(awk '{print $14 + $15}' "/proc/${operator_pids[bench]}/stat")"
total=$((count + runs))
per_hour="$(awk -v r=$((req1 - req0)) -v n="$total" -v w="$window" 'BEGIN { printf "%.2f", r / n * 3600 / w }')"
per_reconcile="$(awk -v r=$((req1 - req0)) -v n=$((rec1 - rec0)) 'BEGIN { if (n > 0) printf "%.2f", r / n; else print "n/a (no reconcile in the window)" }')"
cpu_pct="$(awk -v c=$((cpu1 - cpu0)) -v w="$window" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", 100 * c / hz / w }')"

verdict() { if awk "BEGIN { exit !($1) }"; then echo ok; else echo MISSED; fi; }
load="$(cut -d' ' -f1 /proc/loadavg)"
cat <<EOF

minitwit-operator benchmark ($(date -u +%FT%TZ), $(nproc) cores, load $load, control plane only)
  operator flags: --leader-elect=false ${operator_args[*]:-(defaults: resync 10m, 8 workers)}
  figure                                      value          target        verdict
  idle RSS                                    $(printf '%-14s' "$(mib "$idle_rss") MiB") <= 15 MiB      $(verdict "$idle_rss <= 15 * 1024")
  create -> Deployment p50 ($runs runs)          $(printf '%-14s' "$p50 ms") -
  create -> Deployment p99 ($runs runs)          $(printf '%-14s' "$p99 ms") <= 200 ms      $(verdict "$p99 <= 200")
  $count created at once (POSTs took)           $(printf '%-14s' "$((created_ms / 1000)).$(printf '%03d' $((created_ms % 1000))) s") -
  $count converged (from first POST)            $(printf '%-14s' "$((converge_ms / 1000)).$(printf '%03d' $((converge_ms % 1000))) s") <= 60 s        $(verdict "$converge_ms <= 60000")
  RSS with $((count + runs)) MiniTwits                     $(printf '%-14s' "$(mib "$rss_many") MiB") -
  writes settled after convergence            $(printf '%-14s' "${settle_s} s") -
  steady state: writes in ${window}s                $(printf '%-14s' "$((wr1 - wr0))") 0             $(verdict "$wr1 == $wr0")
  steady state: API requests / MiniTwit / hour $(printf '%-14s' "$per_hour") -
  steady state: reconciles in ${window}s            $(printf '%-14s' "$((rec1 - rec0))") -
  steady state: API requests per reconcile    $(printf '%-14s' "$per_reconcile") -
  steady state: operator CPU                  $(printf '%-14s' "$cpu_pct %") -
EOF
echo "  operator counters at the end:"
sed 's/^/    /' "$work/metrics-end.txt"
