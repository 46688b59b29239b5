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
#   monitoring a real Prometheus (monitoring/prometheus, built from the Go module proxy) finds
#              the app pods and both operator pods through Kubernetes service discovery and
#              scrapes them (up == 1); the operator's per-MiniTwit series are there, and the
#              live /metrics of an app pod and of the leader pass `promtool check metrics'
# Usage: full_node_test.sh --operator PATH --minitwit PATH --sim PATH [--images DIR]
#   MINITWIT_E2E_IMAGES=docker: the app and operator images from the Dockerfile (lib/full_node.sh)
set -Eeuo pipefail
test_name=full-node
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/full_node.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/prometheus.sh"
trap_errors

# The rollout is measured under the course's scenario; a curl loop of one read route would
# prove much less, so a missing simulator is a failure, not a quiet substitute.
test_args "--operator PATH --minitwit PATH --sim PATH [--images DIR]" "$@"
require_root
require_tool jq "Debian package jq"
require_tool busybox "Debian package busybox-static (the never-ready image)"

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
full_node_app_image minitwit.local/minitwit:e2e-2 "$images/minitwit-e2e-2.tar"
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
grep -q 'hello from e2e' <<<"$(curl -sf --max-time 5 -H 'Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh' "$url/msgs/e2e")" \
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

# --- kind: three nodes, a CNI that enforces NetworkPolicy, storage, metrics ---------------
# The operator's NetworkPolicy admits only the MiniTwit's app pods to its Postgres; kube-router
# enforces it on kind (nothing enforces it on the local node). A pod in the same namespace
# that is not an app pod of this MiniTwit must not reach the database, across nodes.
if [[ "$e2e_cluster" == kind ]]; then
  db_pod_ip="$(kubectl -n minitwit get pod dev-db-0 -o jsonpath='{.status.podIP}')"
  db_node="$(kubectl -n minitwit get pod dev-db-0 -o jsonpath='{.spec.nodeName}')"
  app_nodes="$(kubectl -n minitwit get pods -l app.kubernetes.io/instance=dev,app.kubernetes.io/component=app \
    -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort -u | paste -sd, -)"
  [[ "$(kubectl -n minitwit get pvc -o jsonpath='{.items[*].status.phase}')" == Bound ]] \
    || fail "kind: the database's claim is not Bound"
  # An outsider: the node's own tools image (socat), not labelled as an app pod, on a node
  # other than the database's.
  nettools="$(kubectl -n local-path-storage get configmap local-path-config -o jsonpath='{.data.helperPod\.yaml}' | sed -n 's/^ *image: *//p')"
  [[ -n "$nettools" ]] || fail "kind: no tools image in local-path-config"
  outsider_node="$(kubectl get nodes -l '!node-role.kubernetes.io/control-plane' -o name | sed 's|node/||' | grep -vx "$db_node" | sed -n 1p)"
  [[ -n "$outsider_node" ]] || fail "kind: no worker other than the database's ($db_node)"
  kubectl -n minitwit apply -f - >&2 <<YAML
apiVersion: v1
kind: Pod
metadata: {name: outsider, labels: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: dev}}
spec:
  nodeSelector: {kubernetes.io/hostname: $outsider_node}
  terminationGracePeriodSeconds: 0
  securityContext: {runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true}
  containers:
  - {name: main, image: $nettools, imagePullPolicy: Never, command: [sleep, "3600"],
     securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}
YAML
  kubectl -n minitwit wait --for=condition=Ready pod/outsider --timeout=60s >&2 || fail "kind: the outsider pod is not Ready"
  # socat exits 0 once connected; a dropped SYN times out.
  reaches_db() { kubectl -n minitwit exec outsider -- socat -T 2 /dev/null "TCP:$db_pod_ip:5432,connect-timeout=3"; }
  consistently 6 "the outsider pod on $outsider_node cannot reach Postgres ($db_pod_ip on $db_node)" holds '! reaches_db'
  # The same pod reaches an app pod (no policy there): the denial is the policy, not the network.
  app_pod_ip="$(kubectl -n minitwit get pods -l app.kubernetes.io/instance=dev,app.kubernetes.io/component=app -o jsonpath='{.items[0].status.podIP}')"
  reaches_app() { kubectl -n minitwit exec outsider -- socat -T 2 /dev/null "TCP:$app_pod_ip:5000,connect-timeout=3"; }
  eventually 15 "the outsider pod reaches an app pod ($app_pod_ip; else the denial is the network's, not the policy's)" \
    reaches_app
  kubectl -n minitwit delete pod outsider --wait=false >&2
  eventually 90 "kubectl top pods answers for the MiniTwit (metrics-server)" \
    holds '[[ -n "$(kubectl -n minitwit top pods --no-headers 2>/dev/null)" ]]'
  pass kind "$(kubectl get nodes --no-headers | wc -l) nodes; app pods on $app_nodes, Postgres on $db_node (claim Bound); the operator's NetworkPolicy keeps a non-app pod on $outsider_node from Postgres while it reaches an app pod; kubectl top pods answers"
fi

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
# publishes it) from the simulator's own machine (full_node_client) and a slice through the
# ClusterIP from the host, with the course's settings and 0 errors.
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
eventually 30 "the NodePort answers ($node_url/latest) from the simulator's machine" \
  full_node_client curl -sf --max-time 2 "$node_url/latest"
course_replay() {  # NAME URL LIMIT [RUNNER]
  local out="$work/course-$1.json" rc=0
  ${4:-} "$sim_bin" --url "$2" --scenario "$scenario" ${3:+--limit "$3"} --timeout-ms 300 --max-errors 0 --json \
    --request-log "$work/course-$1.requests" >"$out" 2>"$work/course-$1.err" || rc=$?
  jq -c '{requests: ([.phases[].requests] | add), errors_total, errors}' "$out" >&2 || cat "$work/course-$1.err" >&2
  ((rc == 0)) || fail "course: the scenario through the $1 ($2) saw errors (exit $rc): $(jq -c '[.phases[].errors]' "$out" 2>/dev/null)
the first failed requests (sent ms, latency ms, kind, action, outcome, status):
$(awk '$5 != "ok"' "$work/course-$1.requests" | sed -n 1,10p)"
}
t="$(now_ms)"
course_replay nodeport "$node_url" "" full_node_client
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

# --- monitoring --------------------------------------------------------------------------
t="$(now_ms)"
prometheus_up
# up == 1 for every app pod and both operator replicas (the standby serves /metrics too).
targets_up() {  # JOB WANT
  [[ "$(prom_value "count(up{job=\"$1\"} == 1)")" == "$2" ]]
}
eventually 90 "Prometheus scrapes the 2 app pods (up{job=\"minitwit\"} == 1)" targets_up minitwit 2
eventually 60 "Prometheus scrapes the 2 operator pods (up{job=\"minitwit-operator\"} == 1)" targets_up minitwit-operator 2
targets_s=$((($(now_ms) - t) / 1000))
expect_value() {  # EXPR WANT
  local got; got="$(prom_value "$1")" || fail "monitoring: query failed: $1"
  [[ "$got" == "$2" ]] || fail "monitoring: $1 is '$got', want $2"
}
expect_value 'sum(leader_election_master_status{name="minitwit-operator-leader"})' 1
# The Ready gauge mirrors the resource's Ready condition (False after the rollback above: the
# spec still names the broken image), as a scrape after the last change sees it.
ready_want="$(kubectl -n minitwit get minitwit dev -o json | jq -r '[.status.conditions[]? | select(.type == "Ready")][0].status | if . == "True" then "1" else "0" end')"
eventually 30 "minitwit_operator_resource_ready is $ready_want like the Ready condition" \
  holds '[[ "$(prom_value "max(minitwit_operator_resource_ready{namespace=\"minitwit\",name=\"dev\"})")" == "$ready_want" ]]'
expect_value 'max(minitwit_operator_database_ready{namespace="minitwit",name="dev"})' 1
expect_value 'max(minitwit_operator_rollbacks_total{namespace="minitwit",name="dev"}) >= bool 1' 1
expect_value 'max(minitwit_operator_replicas{namespace="minitwit",name="dev",type="ready"})' 2
expect_value 'count(minitwit_http_requests_total{namespace="minitwit",minitwit="dev",code=~"[1-5].."}) >= bool 1' 1
# The live exposition of a running app pod and of the leader, through the API server's pod proxy.
promtool="$("$repo_root/tests/cluster/build.sh" --bin-dir prometheus)/promtool" || fail "tests/cluster/build.sh prometheus failed"
lint_pod() {  # NAMESPACE POD PORT_NAME
  local port out
  port="$(kubectl -n "$1" get pod "$2" -o json | jq -r --arg p "$3" '[.spec.containers[].ports[]? | select(.name == $p) | .containerPort][0]')"
  kubectl get --raw "/api/v1/namespaces/$1/pods/$2:$port/proxy/metrics" >"$work/lint-$2.prom" \
    || fail "monitoring: cannot read /metrics of $1/$2"
  out="$("$promtool" check metrics <"$work/lint-$2.prom" 2>&1)" || fail "monitoring: promtool check metrics on $1/$2: $out"
  [[ -z "$out" ]] || fail "monitoring: promtool check metrics on $1/$2: $out"
}
# A Ready pod that is not going away: the rollback above leaves the broken image's pod
# Running (it never listens) until its grace period ends.
app_pod="$(kubectl -n minitwit get pods -l app.kubernetes.io/name=minitwit,app.kubernetes.io/component=app -o json |
  jq -r '[.items[] | select(.metadata.deletionTimestamp == null)
    | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))][0].metadata.name // empty')"
[[ -n "$app_pod" ]] || fail "monitoring: no Ready app pod to lint"
lint_pod minitwit "$app_pod" http
lint_pod minitwit-system "$(operator_lease_holder)" metrics
pass monitoring "Prometheus up and all 4 targets scraped ${targets_s}s after the install began; per-MiniTwit series present; promtool clean on $app_pod and the leader"

say "all passed"
