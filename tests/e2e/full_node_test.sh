#!/usr/bin/env bash
# End to end on the full local node (tests/cluster `up`: kubelet, containerd, kube-proxy,
# CoreDNS, metrics-server). What users rely on:
#   install    locally built images load; `helm install` runs the operator (2 replicas, one
#              leader); `kubectl apply -f examples/minitwit-incluster-db.yaml` gives a Ready
#              MiniTwit whose pods serve the simulator API through the Service (kube-proxy)
#   helm-test  `helm test` runs the chart's hook: the operator's metrics Service answers
#   rollout    a new image tag rolls out under a bounded simulator load and loses no request
#   rollback   an image whose pods never become Ready, with a small progressDeadlineSeconds,
#              is rolled back: RolledBack condition, Deployment back on lastGoodImage, serving
# Usage: full_node_test.sh --operator PATH --minitwit PATH --sim PATH [--images DIR]
set -Eeuo pipefail
test_name=full-node
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/full_node.sh"
trap_errors

operator_bin="" minitwit_bin="" sim_bin="" images=""
while (($#)); do
  case "$1" in
    --operator) operator_bin="$2"; shift 2 ;;
    --minitwit) minitwit_bin="$2"; shift 2 ;;
    --sim) sim_bin="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    *) echo "usage: $0 --operator PATH --minitwit PATH --sim PATH [--images DIR]" >&2; exit 2 ;;
  esac
done
[[ -x "$operator_bin" ]] || missing "the operator binary at '$operator_bin' (target minitwit-operator)"
[[ -x "$minitwit_bin" ]] || missing "the app binary at '$minitwit_bin' (target minitwit)"
require_root
require_tool jq "Debian package jq"
require_tool busybox "Debian package busybox-static (the never-ready image)"
# The rollout is measured under the course's scenario; a curl loop of one read route would
# prove much less, so a missing simulator is a failure, not a quiet substitute.
[[ -x "$sim_bin" ]] || missing "minitwit-sim at '$sim_bin' (target minitwit-sim, passed with --sim)"

work="$(mktemp -d /tmp/minitwit-e2e-full.XXXXXX)"
images="${images:-$work/images}"
mkdir -p "$images"
full_node_claim

load_pid=""
cleanup() {
  local rc=$?
  trap - EXIT
  [[ -z "$load_pid" ]] || kill "$load_pid" 2>/dev/null || true
  full_node_release "$rc" || rc=$?
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

# --- images ------------------------------------------------------------------------------
say "building images"
full_node_images "$images" "$minitwit_bin" "$operator_bin"
"$repo_root/tests/images/minitwit/build.sh" --binary "$minitwit_bin" --tag minitwit.local/minitwit:e2e-2 \
  --out "$images/minitwit-e2e-2.tar" >&2
# An app image that runs but never answers its readiness probe.
"$repo_root/tests/images/build-image.sh" --tag minitwit.local/minitwit:e2e-broken --out "$images/broken.tar" \
  --file "$(command -v busybox):/bin/busybox" --user minitwit:10001:10001 \
  --entrypoint '["/bin/busybox", "sleep", "100000"]' >&2
# The test client image of the chart's `helm test` hook.
"$repo_root/tests/images/toolbox/build.sh" --out "$images/toolbox.tar" >&2

# --- cluster -----------------------------------------------------------------------------
full_node_up "$images"/*.tar

# --- install -----------------------------------------------------------------------------
install_operator
leader_pod="$(operator_lease_holder)"
kubectl -n minitwit-system get pod "$leader_pod" >/dev/null || fail "install: Lease holder '$leader_pod' is not an operator pod"

say "kubectl apply -f examples/minitwit-incluster-db.yaml"
kubectl apply -f "$repo_root/examples/minitwit-incluster-db.yaml" >&2
phase() { kubectl -n minitwit get minitwit dev -o jsonpath='{.status.phase}'; }
t="$(now_ms)"
eventually 300 "MiniTwit minitwit/dev becomes Ready" holds '[[ "$(phase)" == Ready ]]'
ready_s=$((($(now_ms) - t) / 1000))
[[ "$(kubectl -n minitwit get deploy dev -o jsonpath='{.status.readyReplicas}')" == 2 ]] || fail "install: want 2 ready app pods"
cluster_ip="$(kubectl -n minitwit get service dev -o jsonpath='{.spec.clusterIP}')"
url="http://$cluster_ip"
eventually 30 "the Service answers from the host ($url/latest)" curl -sf --max-time 2 "$url/latest"
# The simulator API through the Service: register, tweet, read back.
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
  -H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' --data '{"username":"e2e","email":"e2e@example.com","pwd":"x"}' \
  "$url/register?latest=1")"
[[ "$code" == 204 ]] || fail "install: POST /register answered $code"
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
  -H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' --data '{"content":"hello from e2e"}' "$url/msgs/e2e?latest=2")"
[[ "$code" == 204 ]] || fail "install: POST /msgs/e2e answered $code"
curl -sf --max-time 5 -H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' "$url/msgs/e2e" | grep -q 'hello from e2e' \
  || fail "install: the tweet is not in GET /msgs/e2e"
# The app connects to the in-cluster database as a role that owns its tables, not as the
# superuser (the image's POSTGRES_APP_USER; administration goes through the pod's socket).
app_roles="$(kubectl -n minitwit exec dev-db-0 -- psql -U postgres -d minitwit -tAc \
  "select distinct a.usename || ':' || u.usesuper from pg_stat_activity a join pg_user u on u.usename = a.usename
   where a.datname = 'minitwit' and a.backend_type = 'client backend' and a.pid <> pg_backend_pid()")" \
  || fail "install: cannot ask the database pod which roles the app uses"
[[ -n "$app_roles" ]] || fail "install: no app connection in the database"
grep -q ':true$' <<<"$app_roles" && fail "install: the app connects as a superuser ($app_roles)"
pass() { say "PASS $1${2:+: $2}"; }
pass install "operator leader $leader_pod; MiniTwit Ready in ${ready_s}s; simulator API answers through $url; app role ${app_roles%%:*}, not a superuser"

# The chart's own check: `helm test` runs its hook pod against the operator's metrics Service.
t="$(now_ms)"
helm test minitwit-operator --namespace minitwit-system --timeout 3m --logs >"$work/helm-test.log" 2>&1 \
  || fail "helm test: $(tail -n 20 "$work/helm-test.log")"
grep -q 'Phase: *Succeeded' "$work/helm-test.log" || fail "helm test: no test pod succeeded: $(cat "$work/helm-test.log")"
pass helm-test "the chart's metrics check passed in $(($(now_ms) - t)) ms"

# --- the course's simulator ---------------------------------------------------------------
# The course's simulator opens a new connection per request (Connection: close) with a 300 ms
# budget. Through the cluster's source NAT, a SYN that lands on a pod's own TIME_WAIT socket
# is dropped (PAWS) and shows up as a connect timeout; the app lets the client close first so
# TIME_WAIT stays on the client. The whole scenario goes through a NodePort (as hack/up.sh
# publishes it) and a slice through the ClusterIP, with the course's settings and 0 errors.
scenario="$repo_root/../shared/data/minitwit_scenario.csv"
[[ -f "$scenario" ]] || missing "the course scenario at $scenario (../shared/data beside the repository)"
kubectl apply -f - >&2 <<YAML
apiVersion: v1
kind: Service
metadata: {name: dev-nodeport, namespace: minitwit}
spec:
  type: NodePort
  selector: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: dev, app.kubernetes.io/component: app}
  ports:
  - {name: http, port: 80, targetPort: 5000, nodePort: 30080}
YAML
node_url="$(nodeport_url)"
eventually 30 "the NodePort answers ($node_url/latest)" curl -sf --max-time 2 "$node_url/latest"
course_replay() {  # NAME URL LIMIT
  local out="$work/course-$1.json" rc=0
  "$sim_bin" --url "$2" --scenario "$scenario" ${3:+--limit "$3"} --timeout-ms 300 --max-errors 0 --json \
    >"$out" 2>"$work/course-$1.err" || rc=$?
  jq -c '{requests: ([.phases[].requests] | add), errors_total, errors}' "$out" >&2 || cat "$work/course-$1.err" >&2
  ((rc == 0)) || fail "course: the scenario through the $1 ($2) saw errors (exit $rc): $(jq -c .errors "$out" 2>/dev/null)"
}
t="$(now_ms)"
course_replay nodeport "$node_url" ""
course_s=$((($(now_ms) - t) / 1000))
course_replay clusterip "$url" 5000
pass course "the whole scenario ($(jq '[.phases[].requests] | add' "$work/course-nodeport.json") requests, Connection: close, 300 ms) through the NodePort in ${course_s}s and 5000 through the ClusterIP, 0 errors"

# --- rollout -----------------------------------------------------------------------------
# Load: the simulator in rounds until told to stop; every failed request is recorded.
load_loop() {
  local round=0
  while [[ ! -f "$work/stop-load" ]] && ((round < 400)); do
    round=$((round + 1))
    local rc=0
    "$sim_bin" --url "$url" --generate 400 --seed "$round" --users 4 --timeout-ms 5000 --max-errors 0 --json \
      >"$work/sim-$round.json" 2>"$work/sim-$round.err" || rc=$?
    echo "$round $rc" >>"$work/load-rounds"
  done
}
: >"$work/load-rounds"
load_loop &
load_pid=$!
eventually 60 "the load runs a first round" test -s "$work/load-rounds"
say "rolling out minitwit.local/minitwit:e2e-2 under load"
kubectl -n minitwit patch minitwit dev --type merge -p '{"spec":{"image":"minitwit.local/minitwit:e2e-2"}}' >&2
eventually 300 "the rollout to e2e-2 completes (status.image and Ready)" bash -c \
  "[[ \"\$(kubectl -n minitwit get minitwit dev -o jsonpath='{.status.image} {.status.phase} {.status.lastGoodImage}')\" == 'minitwit.local/minitwit:e2e-2 Ready minitwit.local/minitwit:e2e-2' ]]"
kubectl -n minitwit rollout status deployment/dev --timeout 120s >&2
rounds_at_end="$(wc -l <"$work/load-rounds")"
eventually 120 "one more load round after the rollout" holds '(($(wc -l <"$work/load-rounds") > rounds_at_end))'
touch "$work/stop-load"
for ((i = 0; i < 600; i++)); do kill -0 "$load_pid" 2>/dev/null || break; sleep 0.2; done
kill "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""
rounds="$(wc -l <"$work/load-rounds")"
failed_rounds="$(awk '$2 != 0' "$work/load-rounds" | wc -l)"
requests="$(cat "$work"/sim-*.json | jq -s '[.[] | .phases[] | .requests] | add // 0')"
errors="$(cat "$work"/sim-*.json | jq -s '[.[] | .errors_total] | add // 0')"
((requests > 0)) || fail "rollout: the simulator sent no request (is the load running?)"
((errors == 0)) || failed_rounds=$((failed_rounds > 0 ? failed_rounds : 1))
if ((failed_rounds > 0)); then
  for f in $(awk '$2 != 0 {print "sim-" $1}' "$work/load-rounds"); do
    echo "--- $f" >&2; cat "$work/$f.json" "$work/$f.err" >&2
  done
  fail "rollout: $failed_rounds of $rounds simulator rounds saw errors during the rolling update"
fi
pass rollout "e2e-2 rolled out under $rounds simulator rounds ($requests requests), $errors errors"

# --- rollback ----------------------------------------------------------------------------
say "rolling out a never-ready image with progressDeadlineSeconds 15"
kubectl -n minitwit patch minitwit dev --type merge \
  -p '{"spec":{"image":"minitwit.local/minitwit:e2e-broken","rollout":{"progressDeadlineSeconds":15,"onFailure":"Rollback"}}}' >&2
t="$(now_ms)"
rolled_back() {
  kubectl -n minitwit get minitwit dev -o json | jq -e '.status.conditions[]? | select(.type == "RolledBack" and .status == "True")'
}
eventually 180 "the RolledBack condition" rolled_back
rollback_s=$((($(now_ms) - t) / 1000))
eventually 60 "the Deployment is back on lastGoodImage" \
  holds '[[ "$(kubectl -n minitwit get deploy dev -o jsonpath="{.spec.template.spec.containers[0].image}")" == minitwit.local/minitwit:e2e-2 ]]'
st="$(kubectl -n minitwit get minitwit dev -o json)"
jq -e '.status.lastGoodImage == "minitwit.local/minitwit:e2e-2" and .status.failedImage == "minitwit.local/minitwit:e2e-broken"' \
  <<<"$st" >/dev/null || fail "rollback: status $(jq -c '.status | {image, lastGoodImage, failedImage, phase}' <<<"$st")"
kubectl -n minitwit rollout status deployment/dev --timeout 180s >&2
curl -sf --max-time 5 "$url/latest" >/dev/null || fail "rollback: the app does not answer after the rollback"
kubectl -n minitwit get events --field-selector involvedObject.kind=MiniTwit,involvedObject.name=dev -o json \
  | jq -e '[.items[] | select(.reason == "RolledBack")] | length >= 1' >/dev/null \
  || fail "rollback: no RolledBack Event on minitwit/dev"
pass rollback "RolledBack ${rollback_s}s after the broken image was applied; Deployment on e2e-2; Event recorded"

say "all passed"
