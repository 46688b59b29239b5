#!/usr/bin/env bash
# Failure tests on the full local node, under minitwit-sim load. The node comes up once;
# sections run in this order (pick some with --only a,b). Each prints its figures on lines
# that start with FIGURE (docs/reliability.md puts them beside keepalived, Deployments and
# CloudNativePG) and asserts what users rely on; timings are only bounded generously.
#   hotstandby  a HotStandby pair: the active pod's process killed, the active pod deleted,
#               a rollout (resources change). Figures: seconds without service, failed
#               requests. Asserts: served again, no acknowledged write lost, a rollout
#               loses no request.
#   scaled      Scaled, 3 replicas: one app pod's process killed. Figures as above.
#   postgres    the in-cluster Postgres killed (kill -9 of the postmaster) 3 times under a
#               write load of unique messages. Asserts every 204'd message is stored
#               afterwards. Figures: 503s, seconds to recover after each kill.
#   leader      the operator's leader frozen (SIGSTOP) past its lease, then SIGCONT. Figures:
#               takeover time; writes of the old leader after the new one acquired, from
#               the API server's audit log. Asserts: none, and the new leader's change stands.
#   apiserver   kube-apiserver restarted 3 times, each right after a spec change. Figures:
#               seconds to converge, operator restarts. Asserts: converged, and no child
#               differs from the desired state.
#   kubelet     kubelet and containerd restarted under load. Figures: failed requests, pod
#               restarts. Asserts: served again, no acknowledged write lost.
# The load: one simulator user sending the course's requests (Connection: close, 300 ms
# budget) about 50 a second: 5 registers, then tweets whose every text is unique; each
# request is logged (minitwit-sim --request-log) with its send time and outcome.
# Usage: failure_test.sh --operator PATH --minitwit PATH --sim PATH [--images DIR] [--only LIST]
set -Eeuo pipefail
test_name=failure
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/full_node.sh"
trap_errors

all_sections="hotstandby,scaled,postgres,leader,apiserver,kubelet"
test_args "--operator PATH --minitwit PATH --sim PATH [--images DIR] [--only $all_sections]" "$@"
only="${only:-$all_sections}"
for s in ${only//,/ }; do
  [[ ",$all_sections," == *",$s,"* ]] || { echo "unknown section '$s'; $test_usage" >&2; exit 2; }
done
selected() { [[ ",$only," == *",$1,"* ]]; }
require_root
require_tool jq "Debian package jq"
require_tool ctr "Debian package containerd"

work="$(mktemp -d /tmp/minitwit-e2e-failure.XXXXXX)"
images="${images:-$work/images}"
mkdir -p "$images"
run_tag="r$(date +%s)"
auth=(-H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh')
full_node_claim

load_pid=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -z "$load_pid" ]] || kill "$load_pid" 2>/dev/null || true
  [[ -z "${frozen_pid:-}" ]] || kill -CONT "$frozen_pid" 2>/dev/null || true
  [[ ! -s "$work/figures" ]] || { echo "--- figures"; cat "$work/figures"; }
  full_node_release "$rc" || rc=$?
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# figure NAME TEXT: one line of figures, on stdout and in the summary at the end.
figure() { echo "FIGURE $1: $2" | tee -a "$work/figures"; }
pass() { say "PASS $1${2:+: $2}"; }

# --- MiniTwits ---------------------------------------------------------------------------

# apply_minitwit NAME MODE REPLICAS: a MiniTwit with an in-cluster Postgres, Ready and
# serving through its Service; sets `url` to the Service's ClusterIP.
apply_minitwit() {
  kubectl apply -f - >&2 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: $1, namespace: minitwit}
spec:
  image: minitwit.local/minitwit:dev
  mode: $2
  replicas: $3
  database: {inCluster: {storage: 1Gi, image: minitwit.local/postgres:15}}
  resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 256Mi}}
EOF
  eventually 300 "MiniTwit minitwit/$1 becomes Ready with $3 ready pods" converged "$1" 100m
  url="http://$(kubectl -n minitwit get service "$1" -o jsonpath='{.spec.clusterIP}')"
  eventually 30 "the Service answers from the host ($url/latest)" curl -sf --max-time 2 "$url/latest"
}

mt() { kubectl -n minitwit get minitwit "$1" -o json; }
deploy_cpu() {
  kubectl -n minitwit get deploy "$1" -o jsonpath='{.spec.template.spec.containers[0].resources.requests.cpu}'
}
set_cpu() {
  kubectl -n minitwit patch minitwit "$1" --type merge -p "{\"spec\":{\"resources\":{\"requests\":{\"cpu\":\"$2\"}}}}" >&2
}
# converged NAME CPU: status caught up with the spec (Ready), the Deployment carries CPU and
# finished its rollout: every replica updated and ready.
converged() {
  local m d
  m="$(mt "$1")" && d="$(kubectl -n minitwit get deploy "$1" -o json)" || return 1
  jq -e '.status.observedGeneration == .metadata.generation and .status.phase == "Ready"' <<<"$m" >/dev/null &&
    jq -e --arg cpu "$2" --argjson want "$(jq '.spec.replicas' <<<"$m")" '
      .spec.template.spec.containers[0].resources.requests.cpu == $cpu and
      .status.observedGeneration == .metadata.generation and (.status.replicas // 0) == $want and
      (.status.updatedReplicas // 0) == $want and (.status.readyReplicas // 0) == $want' <<<"$d" >/dev/null
}
restart_count() {
  kubectl -n "$1" get pod "$2" -o jsonpath='{.status.containerStatuses[0].restartCount}'
}
pod_ready() {
  [[ "$(kubectl -n "$1" get pod "$2" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}
app_pods() { kubectl -n minitwit get pod -l "app.kubernetes.io/instance=$1,app.kubernetes.io/component=app" -o name; }

# --- load --------------------------------------------------------------------------------

# make_scenario FILE TAG: 5 registers, then tweets "TAG message N" round-robin, 15 ms apart
# (at most 300 s of load; stop_load ends it sooner).
make_scenario() {
  awk -v tag="$2" -v users=5 -v tweets=15000 'BEGIN {
    OFS = "\t"
    for (u = 1; u <= users; u++) print ++id, 15, 0, "register", tag "-u" u, tag "-u" u "@example.com", "pw"
    for (n = 1; n <= tweets; n++) print ++id, 15, 0, "tweet", tag "-u" (n % users + 1), tag " message " n
  }' >"$1"
}

load_name=""
# start_load NAME: the simulator against `url` in the background, until stop_load.
start_load() {
  load_name="$1"
  make_scenario "$work/$1.tsv" "$1-$run_tag"
  "$sim_bin" --url "$url" --scenario "$work/$1.tsv" --honor-delays --timeout-ms 300 \
    --request-log "$work/$1.log" --json >"$work/$1.json" 2>"$work/$1.err" &
  load_pid=$!
  eventually 30 "the load on $url gets its first 20 answers" load_answered 20
}
load_ok() { awk '$5 == "ok"' "$work/$load_name.log" 2>/dev/null | wc -l; }
load_answered() { (($(load_ok) >= $1)); }
# load_continues N: N more successful requests from now on (the service is back, and stays).
load_continues() {
  local want=$(($(load_ok) + $1))
  eventually 120 "$1 more successful requests of the load $load_name" load_answered "$want"
}
stop_load() {
  kill -0 "$load_pid" 2>/dev/null || fail "$load_name: the load stopped before the section ended: $(tail -n 5 "$work/$load_name.err")"
  kill -TERM "$load_pid"
  wait "$load_pid" 2>/dev/null || true
  load_pid=""
}

# load_figures NAME: sets lf_requests, lf_failed, lf_rate (requests a second), lf_gap_s (the
# longest time without a successful answer: from the end of one successful request to the
# sending of the next; about 0.02 s when nothing fails) and lf_kinds (failures by kind).
load_figures() {
  read -r lf_requests lf_failed lf_rate lf_gap_s lf_kinds < <(sort -n -k1,1 "$work/$1.log" | awk '
    { n++; if (n == 1) first = $1; last = $1 }
    $5 != "ok" { f++; kind[$5 == "status" ? "status " $6 : $5]++; next }
    { if (prev != "" && $1 - prev > gap) gap = $1 - prev; if ($1 + $2 > prev) prev = $1 + $2 }
    END {
      for (k in kind) kinds = kinds (kinds == "" ? "" : ", ") kind[k] " " k
      printf "%d %d %.0f %.2f %s\n", n, f, (last > first ? n * 1000 / (last - first) : 0), gap / 1000, kinds
    }')
}

# acked_lost NAME: prints "ACKED LOST": tweets of the load answered 204, and those of them
# that are not in the user's GET /msgs afterwards.
acked_lost() {
  local name="$1" user
  awk '$3 == "tweet" && $5 == "ok" {print $4}' "$work/$name.log" >"$work/$name.acked-ids"
  awk -F'\t' 'NR == FNR { ok[$1]; next } $4 == "tweet" && ($1 in ok) { print $6 }' \
    "$work/$name.acked-ids" "$work/$name.tsv" | sort >"$work/$name.acked"
  : >"$work/$name.stored"
  for user in $(awk -F'\t' '$4 == "register" {print $5}' "$work/$name.tsv"); do
    eventually 30 "GET /msgs/$user answers" \
      curl -sf --max-time 10 "${auth[@]}" -o "$work/$name.$user.json" "$url/msgs/$user?no=100000"
    jq -r '.[].content' "$work/$name.$user.json" >>"$work/$name.stored"
  done
  sort -o "$work/$name.stored" "$work/$name.stored"
  echo "$(wc -l <"$work/$name.acked") $(comm -23 "$work/$name.acked" "$work/$name.stored" | wc -l)"
}

# report_load FIGURE NAME [EXTRA]: the load's figures; fails when an acknowledged write is lost.
report_load() {
  local acked lost
  load_figures "$2"
  read -r acked lost < <(acked_lost "$2")
  figure "$1" "$lf_gap_s s without service, $lf_failed failed of $lf_requests requests at $lf_rate/s${lf_kinds:+ ($lf_kinds)}; $lost of $acked acknowledged writes lost${3:+; $3}"
  ((lost == 0)) || fail "$1: $lost acknowledged writes are not stored: $(comm -23 "$work/$2.acked" "$work/$2.stored" | sed -n 1,5p)"
}

# gap_within FIGURE SECONDS: the last report_load's time without service is within a
# generous bound (the figure itself is for docs/reliability.md).
gap_within() {
  awk -v g="$lf_gap_s" -v max="$2" 'BEGIN { exit !(g <= max) }' || fail "$1: $lf_gap_s s without service (bound $2 s)"
}

# kill_container NAMESPACE POD: SIGKILL to the pod's (first) container process; returns once
# the kubelet has restarted it.
kill_container() {
  local restarts pid
  restarts="$(restart_count "$1" "$2")"
  pid="$(container_pid "$1" "$2")"
  say "kill -9 of $1/$2's process (pid $pid)"
  kill -KILL "$pid"
  eventually 60 "the killed container of $1/$2 restarts" holds "((\$(restart_count $1 $2) > $restarts))"
}

# --- images, node, operator --------------------------------------------------------------
say "building images"
full_node_images "$images" "$minitwit_bin" "$operator_bin"
full_node_up "$images"/minitwit-dev.tar "$images"/postgres.tar "$images"/operator.tar
install_operator
kubectl create namespace minitwit >&2
audit_log="$full_node_state/logs/audit.log"

# --- hotstandby --------------------------------------------------------------------------
active_pod() {
  kubectl -n minitwit get pod -l app.kubernetes.io/instance=pair,minitwit.dev/role=active \
    -o jsonpath='{.items[*].metadata.name}'
}
# pair_serving: both pods ready and exactly one of them, a ready one, active.
pair_serving() {
  local active
  active="$(active_pod)"
  [[ -n "$active" && "$active" != *" "* ]] && pod_ready minitwit "$active" &&
    [[ "$(kubectl -n minitwit get deploy pair -o jsonpath='{.status.readyReplicas}')" == 2 ]]
}

if selected hotstandby; then
  apply_minitwit pair HotStandby 2
  eventually 60 "the pair has a ready active pod" pair_serving

  start_load hs-kill
  victim="$(active_pod)"
  kill_container minitwit "$victim"
  eventually 120 "the pair serves again with both pods ready" pair_serving
  load_continues 100
  stop_load
  report_load hotstandby.kill_process hs-kill "active was $victim, now $(active_pod)"
  gap_within hotstandby.kill_process 30

  start_load hs-delete
  victim="$(active_pod)"
  say "deleting the active pod $victim"
  kubectl -n minitwit delete pod "$victim" --wait=false >&2
  eventually 120 "$victim is gone" pod_gone minitwit "$victim"
  eventually 120 "the pair serves again with both pods ready" pair_serving
  load_continues 100
  stop_load
  report_load hotstandby.delete_pod hs-delete "active was $victim, now $(active_pod)"
  gap_within hotstandby.delete_pod 30

  start_load hs-rollout
  say "rolling out the pair (cpu request 100m -> 110m)"
  set_cpu pair 110m
  eventually 300 "the pair's rollout completes" converged pair 110m
  eventually 60 "the pair has a ready active pod" pair_serving
  load_continues 100
  stop_load
  report_load hotstandby.rollout hs-rollout
  ((lf_failed == 0)) || fail "hotstandby.rollout: $lf_failed requests failed during the rollout of the pair (goal 0)"
  pass hotstandby

  # The other sections run on a Scaled MiniTwit; free the pair's resources.
  kubectl -n minitwit delete minitwit pair --wait=true --timeout 120s >&2
fi

# --- the Scaled MiniTwit of the other sections --------------------------------------------
if selected scaled || selected postgres || selected leader || selected apiserver || selected kubelet; then
  apply_minitwit dev Scaled 3
fi

if selected scaled; then
  start_load scaled
  victim="$(app_pods dev | sed -n 1p)"; victim="${victim#pod/}"
  kill_container minitwit "$victim"
  eventually 120 "3 app pods ready again" converged dev 100m
  load_continues 100
  stop_load
  report_load scaled.kill_process scaled
  gap_within scaled.kill_process 30
  pass scaled
fi

# --- postgres ----------------------------------------------------------------------------
if selected postgres; then
  start_load postgres
  kills=()
  for round in 1 2 3; do
    say "postgres: kill $round of 3"
    kills+=("$(now_ms)")
    kill_container minitwit dev-db-0
    eventually 180 "postgres is ready again" pod_ready minitwit dev-db-0
    load_continues 50
  done
  stop_load
  # Seconds to recover after each kill: from the kill to the first success after the last
  # failure before the next kill (0 when no request failed).
  recover="$(sort -n -k1,1 "$work/postgres.log" | awk -v kills="${kills[*]}" '
    BEGIN { k = split(kills, at, " "); at[k + 1] = 9e15 }
    { for (i = 1; i <= k; i++) if ($1 >= at[i] && $1 < at[i + 1]) {
        if ($5 != "ok") { lastfail[i] = $1; back[i] = "" } else if (lastfail[i] != "" && back[i] == "") back[i] = $1 } }
    END { for (i = 1; i <= k; i++) printf "%s%.1f", (i > 1 ? ", " : ""), (lastfail[i] == "" ? 0 : (back[i] - at[i]) / 1000) }')"
  report_load postgres.kill postgres "recovered after ${recover} s (kill 1, 2, 3)"
  pass postgres
fi

# --- leader ------------------------------------------------------------------------------
deploy_deadline() { kubectl -n minitwit get deploy "$1" -o jsonpath='{.spec.progressDeadlineSeconds}'; }
set_deadline() {
  kubectl -n minitwit patch minitwit "$1" --type merge -p "{\"spec\":{\"rollout\":{\"progressDeadlineSeconds\":$2}}}" >/dev/null
}
# leader_writes POD IP OP TIME: the mutating requests of the operator pod POD (by its token's
# pod name, or its address) received OP ("<" or ">=") TIME, one JSON line each.
leader_writes() {
  jq -c --arg pod "$1" --arg ip "$2" --arg t "$4" --arg op "$3" '
    select(((.user.extra["authentication.kubernetes.io/pod-name"] // [])[0] == $pod or (.sourceIPs // [])[0] == $ip)
           and (if $op == "<" then .requestReceivedTimestamp < $t else .requestReceivedTimestamp >= $t end))
    | {verb, uri: .requestURI, code: .responseStatus.code, at: .requestReceivedTimestamp}' "$audit_log"
}

if selected leader; then
  old="$(operator_lease_holder)"
  old_ip="$(kubectl -n minitwit-system get pod "$old" -o jsonpath='{.status.podIP}')"
  restarts="$(restart_count minitwit-system "$old")"
  pid="$(container_pid minitwit-system "$old")"
  # Spec changes stream in (the Deployment's progressDeadlineSeconds: applied without a
  # rollout) while the leader freezes, so that a reconcile is likely in flight: what a
  # deposed leader must not finish with writes once another replica leads.
  ( for ((i = 1; i <= 30; i++)); do set_deadline dev $((600 + i)); sleep 0.1; done ) &
  stream_pid=$!
  eventually 30 "the leader applies the streamed changes" holds '(($(deploy_deadline dev) >= 605))'
  say "SIGSTOP to the operator leader $old (pid $pid) while changes stream in"
  t_stop="$(now_ms)"
  frozen_pid="$pid"
  kill -STOP "$pid"
  wait "$stream_pid"
  eventually 60 "another operator replica takes the Lease" holds '[[ -n "$(operator_lease_holder)" && "$(operator_lease_holder)" != "$old" ]]'
  takeover_ms=$(($(now_ms) - t_stop))
  new="$(operator_lease_holder)"
  acquired="$(kubectl -n minitwit-system get lease minitwit-operator-leader -o jsonpath='{.spec.acquireTime}')"
  set_deadline dev 700
  eventually 60 "the new leader $new applies a change" holds '(($(deploy_deadline dev) == 700))'
  (($(restart_count minitwit-system "$old") == restarts)) ||
    fail "leader: the frozen leader was restarted (liveness probe) before SIGCONT; nothing left to fence"
  kill -CONT "$pid"
  frozen_pid=""
  frozen_ms=$(($(now_ms) - t_stop))
  eventually 60 "the old leader $old exits after losing the Lease" holds '(($(restart_count minitwit-system "$old") > restarts))'
  before="$(leader_writes "$old" "$old_ip" "<" "$acquired" | wc -l)"
  ((before > 0)) || fail "leader: the audit log shows no write of $old before the freeze; the count after it would mean nothing"
  leader_writes "$old" "$old_ip" ">=" "$acquired" >"$work/leader-writes"
  writes="$(jq -s '[.[] | select(.code < 400)] | length' "$work/leader-writes")"
  refused="$(jq -s '[.[] | select(.code >= 400)] | length' "$work/leader-writes")"
  figure leader.freeze "new leader $(awk -v ms="$takeover_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s after SIGSTOP (lease 15 s); frozen $(awk -v ms="$frozen_ms" 'BEGIN { printf "%.1f", ms / 1000 }') s; $writes writes by the old leader after the new one acquired ($refused refused; $before before)"
  ((writes == 0)) || fail "leader: the deposed leader $old wrote after $new acquired: $(jq -c 'select(.code < 400)' "$work/leader-writes" | sed -n 1,5p)"
  (($(deploy_deadline dev) == 700)) || fail "leader: the Deployment lost the new leader's change (progressDeadlineSeconds $(deploy_deadline dev))"
  pass leader
fi

# --- apiserver ---------------------------------------------------------------------------
operator_restarts() {
  kubectl -n minitwit-system get pod -l app.kubernetes.io/name=minitwit-operator -o json |
    jq '[.items[].status.containerStatuses[]?.restartCount] | add // 0'
}
# children NAME: every object the MiniTwit controls, one line each: kind/name and a hash of
# its spec (data for Secrets), with the Deployment's cpu request left out (the test changes it).
children() {
  local uid
  uid="$(kubectl -n minitwit get minitwit "$1" -o jsonpath='{.metadata.uid}')"
  kubectl -n minitwit get deploy,svc,sts,secret,pdb,hpa,networkpolicy,pvc -o json | jq -r --arg uid "$uid" '
    .items[] | select(any(.metadata.ownerReferences[]?; .uid == $uid))
    | {kind, name: .metadata.name, spec: (.spec // null), data: (.data // null)}
    | if .kind == "Deployment" then del(.spec.template.spec.containers[].resources.requests.cpu,
        .spec.template.metadata.annotations) else . end
    | "\(.kind)/\(.name) \(tojson | @base64)"' | while read -r child body; do
      echo "$child $(sha256sum <<<"$body" | cut -c1-16)"
    done | sort
}

if selected apiserver; then
  eventually 120 "minitwit/dev converged before the restarts" holds '[[ -n "$(deploy_cpu dev)" ]] && converged dev "$(deploy_cpu dev)"'
  children dev >"$work/children-before"
  restarts_before="$(operator_restarts)"
  times=() downs=()
  for round in 1 2 3; do
    cpu="$((120 + round))m"
    set_cpu dev "$cpu"
    say "restarting kube-apiserver ($round of 3) right after a spec change (cpu $cpu)"
    t="$(now_ms)"
    "$cluster" restart kube-apiserver >&2 || fail "apiserver: restart $round failed"
    downs+=("$(awk -v ms="$(($(now_ms) - t))" 'BEGIN { printf "%.1f", ms / 1000 }')")
    t="$(now_ms)"
    eventually 180 "minitwit/dev converges after restart $round" converged dev "$cpu"
    times+=("$(awk -v ms="$(($(now_ms) - t))" 'BEGIN { printf "%.1f", ms / 1000 }')")
  done
  children dev >"$work/children-after"
  differ="$(comm -3 "$work/children-before" "$work/children-after" | awk '{print $1}' | sort -u | wc -l)"
  figure apiserver.restart "restarts took ${downs[*]} s (stop to ready); converged ${times[*]} s after each; $(($(operator_restarts) - restarts_before)) operator restarts; $differ children differ from the desired state"
  ((differ == 0)) || fail "apiserver: children differ after the restarts: $(comm -3 "$work/children-before" "$work/children-after")"
  pass apiserver
fi

# --- kubelet -----------------------------------------------------------------------------
pod_restarts() {
  kubectl -n minitwit get pod -o json | jq '[.items[].status.containerStatuses[]?.restartCount] | add // 0'
}
if selected kubelet; then
  cpu="$(deploy_cpu dev)"
  start_load kubelet
  restarts="$(pod_restarts)"
  say "restarting kubelet and containerd under load"
  "$cluster" restart kubelet containerd >&2 || fail "kubelet: the restart failed"
  t_restart="$(date -u +%Y-%m-%dT%H:%M:%S.%6NZ)"
  # The new kubelet has spoken (renewed its node lease) before its pods' state is believed.
  eventually 60 "the restarted kubelet renews its node lease" holds \
    '[[ "$(kubectl -n kube-node-lease get lease minitwit-node -o jsonpath="{.spec.renewTime}")" > "$t_restart" ]]'
  eventually 120 "minitwit/dev is Ready with every pod ready after the restart" converged dev "$cpu"
  eventually 60 "postgres is ready" pod_ready minitwit dev-db-0
  load_continues 200
  stop_load
  report_load kubelet.restart kubelet "$(($(pod_restarts) - restarts)) pod restarts"
  gap_within kubelet.restart 30
  pass kubelet
fi

say "all passed"
