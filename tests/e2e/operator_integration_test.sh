#!/usr/bin/env bash
# Operator integration test on a real control plane (tests/cluster `up --control-plane-only`:
# etcd, kube-apiserver, kube-controller-manager built from upstream). The operator runs as a
# host process under the Helm chart's ServiceAccount and RBAC. What users rely on:
#   crd          the CRD installs and is Established
#   cel          the API server refuses invalid MiniTwits with the CEL messages
#   children     a new MiniTwit gets Deployment, Service, PDB, Secrets, HPA (and the database
#                objects) with the right specs and owner references (the time it takes is
#                printed; its bound is a benchmark figure: tests/bench/bench-operator.sh)
#   image        a new spec.image reaches the Deployment's pod template; observedGeneration follows
#   hpa          with autoscaling the operator never manages the Deployment's spec.replicas
#   scale        `kubectl scale mt/NAME --replicas=3` reaches the Deployment
#   quiet        a converged MiniTwit causes no write over several resyncs, also after
#                someone else added a port to its Service
#   restart      kube-apiserver restarted under the operator: it recovers and keeps reconciling
#   external     a MiniTwit on an external database finds the user's Secret
#   gc           deleting a MiniTwit removes its children; a retained database volume stays
#   leader       two --leader-elect operators: one leads and reconciles; killing it hands over
#                within the lease duration
#   namespaced   the chart's namespaced mode (watchNamespaces): under the Roles `helm template`
#                renders, an operator with --namespaces reconciles a MiniTwit in its watched
#                namespace and not one in another; its ServiceAccount cannot read Secrets or
#                patch pods outside; the chart's objects pass the API server's dry run; the
#                documented CRD upgrade (server-side apply) works over the installed CRD
# Usage: operator_integration_test.sh --operator PATH [--only NAME[,NAME...]]
set -Eeuo pipefail
test_name=operator-integration
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap_errors

control_plane_test e2e-it 253 "$@"

# Limits (override to measure on a slow machine; the defaults are the product's promises).
lease_seconds=6
renew_seconds=4
retry_seconds=1
resync_seconds=3

# --- set-up ------------------------------------------------------------------------------

say "cluster up --control-plane-only"
MINITWIT_CLUSTER_BUILD=1 "$cluster" up --control-plane-only >&2 || fail "cluster up --control-plane-only failed"
cluster_env
start_proxy "$work/proxy.log"

jget() { kubectl get "$@" -o json; }
# field KIND/NAME NAMESPACE JQ: one value of a live object.
field() { kubectl -n "$2" get "$1" -o json | jq -r "$3"; }

# --- crd ---------------------------------------------------------------------------------

kubectl apply -f "$repo_root/crds/minitwits.minitwit.dev.yaml" >&2 || fail "kubectl apply of the CRD failed"
kubectl wait --for condition=Established --timeout 30s crd/minitwits.minitwit.dev >&2 \
  || fail "the CRD did not become Established"
eventually 30 "the minitwits resource is served" kubectl get minitwits -A
pass crd "Established; kubectl get mt works"

# The operator's identity: the chart's ServiceAccount with the chart's RBAC.
operator_ns=minitwit-system
chart_rbac_kubeconfig "$operator_ns" "$work/operator.kubeconfig"

# --- cel ---------------------------------------------------------------------------------

# expect_refused NAME MESSAGE YAML: the API server refuses the object with MESSAGE.
expect_refused() {
  local name="$1" message="$2" manifest="$3" out
  if out="$(kubectl apply -f - 2>&1 <<<"$manifest")"; then
    fail "cel: $name was accepted; expected the API server to refuse it with: $message"
  fi
  grep -qF -- "$message" <<<"$out" || fail "cel: $name refused, but without the message '$message': $out"
  grep -q 'Invalid value\|is invalid' <<<"$out" || fail "cel: $name refused for another reason: $out"
}

kubectl create namespace it-cel >&2
if selected cel; then
  base='apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: bad, namespace: it-cel}'
  expect_refused "both database kinds" "set exactly one of database.external and database.inCluster" "$base
spec:
  image: minitwit.local/minitwit:1
  database: {external: {secretName: pg}, inCluster: {storage: 1Gi}}"
  expect_refused "no database kind" "set exactly one of database.external and database.inCluster" "$base
spec:
  image: minitwit.local/minitwit:1
  database: {}"
  expect_refused "minReplicas > maxReplicas" \
    "autoscaling.minReplicas must be less than or equal to autoscaling.maxReplicas" "$base
spec:
  image: minitwit.local/minitwit:1
  autoscaling: {minReplicas: 5, maxReplicas: 3}
  resources: {requests: {cpu: 100m}}
  database: {external: {secretName: pg}}"
  expect_refused "HotStandby with autoscaling" "autoscaling is not allowed in HotStandby mode" "$base
spec:
  image: minitwit.local/minitwit:1
  mode: HotStandby
  replicas: 2
  autoscaling: {minReplicas: 2, maxReplicas: 3}
  resources: {requests: {cpu: 100m}}
  database: {external: {secretName: pg}}"
  kubectl -n it-cel get minitwit bad >/dev/null 2>&1 && fail "cel: a refused MiniTwit exists"
  # The valid neighbour of those is accepted (the rules do not refuse everything).
  kubectl apply --dry-run=server -f - >/dev/null <<<"$base
spec:
  image: minitwit.local/minitwit:1
  autoscaling: {minReplicas: 3, maxReplicas: 3}
  resources: {requests: {cpu: 100m}}
  database: {external: {secretName: pg}}" || fail "cel: a valid MiniTwit was refused"
  pass cel "4 invalid MiniTwits refused with their messages; a valid one accepted"
fi

# --- the operator ------------------------------------------------------------------------

start_operator main "$operator_bin" "$work/operator.kubeconfig" --leader-elect=false \
  --resync-period "${resync_seconds}s" --log-level debug
eventually 30 "the operator's informers sync (/readyz)" \
  curl -sf --max-time 2 "http://127.0.0.1:${operator_ports[main]}/readyz"

# --- children ----------------------------------------------------------------------------

kubectl create namespace it-a >&2
auto_json='{"apiVersion":"minitwit.dev/v1alpha1","kind":"MiniTwit","metadata":{"name":"auto","namespace":"it-a"},
 "spec":{"image":"minitwit.local/minitwit:1",
  "autoscaling":{"minReplicas":2,"maxReplicas":5,"targetCPUUtilizationPercentage":70},
  "rollout":{"maxSurge":1,"maxUnavailable":0,"progressDeadlineSeconds":3600},
  "database":{"inCluster":{"storage":"1Gi","retainOnDelete":false}},
  "resources":{"requests":{"cpu":"100m","memory":"64Mi"},"limits":{"memory":"256Mi"}}}}'
children_auto=(
  /apis/apps/v1/namespaces/it-a/deployments/auto
  /api/v1/namespaces/it-a/services/auto
  /apis/policy/v1/namespaces/it-a/poddisruptionbudgets/auto
  /api/v1/namespaces/it-a/secrets/auto-session
  /apis/autoscaling/v2/namespaces/it-a/horizontalpodautoscalers/auto
  /api/v1/namespaces/it-a/secrets/auto-db
  /apis/apps/v1/namespaces/it-a/statefulsets/auto-db
  /api/v1/namespaces/it-a/services/auto-db
  /api/v1/namespaces/it-a/persistentvolumeclaims/auto-db-data
)
all_exist() { local p; for p in "$@"; do api_exists "$p" || return 1; done; }

# Created with one POST through the proxy, then polled every 20 ms: the time from the API
# server's answer to the last child existing.
t0="$(now_ms)"
curl -sf --max-time 5 -X POST -H 'Content-Type: application/json' --data "$auto_json" \
  "$proxy_url/apis/minitwit.dev/v1alpha1/namespaces/it-a/minitwits" >/dev/null || fail "children: cannot create it-a/auto"
t1="$(now_ms)"
deadline=$((t1 + 30000))
until all_exist "${children_auto[@]}"; do
  (($(now_ms) < deadline)) || fail "children: it-a/auto has not got all of its children after 30 s"
  sleep 0.02
done
children_ms=$(($(now_ms) - t1))
say "children of it-a/auto exist ${children_ms} ms after the create returned (create took $((t1 - t0)) ms)"

if selected children; then
  mt="$(jget -n it-a minitwit auto)"
  uid="$(jq -r .metadata.uid <<<"$mt")"
  # Every child is controlled by the MiniTwit (GC and the watch of owned objects rely on it).
  for child in deployment/auto service/auto poddisruptionbudget/auto secret/auto-session horizontalpodautoscaler/auto \
    secret/auto-db statefulset/auto-db service/auto-db pvc/auto-db-data; do
    owner="$(kubectl -n it-a get "$child" -o json | jq -c '[.metadata.ownerReferences[]? | select(.kind == "MiniTwit")]')"
    jq -e --arg uid "$uid" 'length == 1 and .[0].uid == $uid and .[0].name == "auto" and .[0].controller == true
      and .[0].blockOwnerDeletion == true and .[0].apiVersion == "minitwit.dev/v1alpha1"' <<<"$owner" >/dev/null \
      || fail "children: $child has no controller owner reference to it-a/auto: $owner"
  done
  deploy="$(jget -n it-a deployment auto)"
  jq -e '
    .spec.template.spec.containers | length >= 1' <<<"$deploy" >/dev/null || fail "children: Deployment has no container"
  check() { jq -e "$1" <<<"$2" >/dev/null || fail "children: $3: $(jq -c "${4:-.}" <<<"$2")"; }
  check '.spec.template.spec.containers[0].image == "minitwit.local/minitwit:1"' "$deploy" "Deployment image" \
    '.spec.template.spec.containers[0].image'
  check '.spec.strategy.type == "RollingUpdate" and .spec.strategy.rollingUpdate.maxSurge == 1
    and .spec.strategy.rollingUpdate.maxUnavailable == 0' "$deploy" "rollout strategy" .spec.strategy
  check '.spec.progressDeadlineSeconds == 3600' "$deploy" "progressDeadlineSeconds" .spec.progressDeadlineSeconds
  check '.spec.selector.matchLabels["app.kubernetes.io/instance"] == "auto"' "$deploy" "selector" .spec.selector
  check '[.spec.template.spec.containers[0].env[] | select(.name == "DATABASE_URL")
    | .valueFrom.secretKeyRef | select(.name == "auto-db" and .key == "uri")] | length == 1' "$deploy" \
    "DATABASE_URL from the generated Secret auto-db/uri" '.spec.template.spec.containers[0].env'
  check '[.spec.template.spec.containers[0].env[] | select(.name == "SESSION_SECRET")
    | .valueFrom.secretKeyRef | select(.name == "auto-session")] | length == 1' "$deploy" \
    "SESSION_SECRET from the generated Secret" '.spec.template.spec.containers[0].env'
  check '.spec.template.spec.containers[0].resources.requests.cpu == "100m"
    and .spec.template.spec.containers[0].resources.limits.memory == "256Mi"' "$deploy" "resources" \
    '.spec.template.spec.containers[0].resources'
  check '.spec.template.spec.containers[0].readinessProbe.httpGet.path == "/readyz"' "$deploy" "readiness probe" \
    '.spec.template.spec.containers[0].readinessProbe'
  svc="$(jget -n it-a service auto)"
  check '.spec.ports[0].port == 80 and (.spec.ports[0].targetPort == 5000 or (.spec.ports[0].targetPort | type == "string"))
    and .spec.selector["app.kubernetes.io/instance"] == "auto"' "$svc" "Service port 80 -> app, selector" .spec
  pdb="$(jget -n it-a poddisruptionbudget auto)"
  check '.spec.selector.matchLabels["app.kubernetes.io/instance"] == "auto"
    and (.spec.maxUnavailable != null or .spec.minAvailable != null)' "$pdb" "PDB" .spec
  hpa="$(jget -n it-a horizontalpodautoscaler auto)"
  check '.spec.scaleTargetRef == {"apiVersion":"apps/v1","kind":"Deployment","name":"auto"}
    and .spec.minReplicas == 2 and .spec.maxReplicas == 5
    and ([.spec.metrics[] | select(.resource.name == "cpu") | .resource.target.averageUtilization] == [70])' \
    "$hpa" "HPA" .spec
  sess="$(jget -n it-a secret auto-session)"
  check '(.data.sessionSecret | @base64d | length) >= 32' "$sess" "session secret of at least 32 bytes" '.data | keys'
  pass children "9 children with controller owner references, ${children_ms} ms after create; specs as declared"
fi

# The in-cluster-database MiniTwit, autoscaling off.
kubectl create namespace it-b >&2
mt_b() {  # mt_b NAME RETAIN
  kubectl apply -f - >&2 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: $1, namespace: it-b}
spec:
  image: minitwit.local/minitwit:1
  replicas: 2
  rollout: {progressDeadlineSeconds: 3600}
  database:
    inCluster: {storage: 1Gi, retainOnDelete: $2}
EOF
}
mt_b fixed true
mt_b ephemeral false
children_b() {
  local n="$1"
  all_exist /apis/apps/v1/namespaces/it-b/deployments/$n /api/v1/namespaces/it-b/services/$n \
    /apis/policy/v1/namespaces/it-b/poddisruptionbudgets/$n /api/v1/namespaces/it-b/secrets/$n-session \
    /api/v1/namespaces/it-b/secrets/$n-db /apis/apps/v1/namespaces/it-b/statefulsets/$n-db \
    /api/v1/namespaces/it-b/services/$n-db /api/v1/namespaces/it-b/persistentvolumeclaims/$n-db-data
}
eventually 10 "it-b/fixed gets its children (database included)" children_b fixed
eventually 10 "it-b/ephemeral gets its children (database included)" children_b ephemeral
if selected children; then
  api_absent /apis/autoscaling/v2/namespaces/it-b/horizontalpodautoscalers/fixed \
    || fail "children: it-b/fixed has an HPA without autoscaling"
  [[ "$(field deployment/fixed it-b .spec.replicas)" == 2 ]] || fail "children: it-b/fixed Deployment replicas != 2"
  # retainOnDelete: the volume and its credentials have no owner reference; otherwise they do.
  [[ "$(field pvc/fixed-db-data it-b '.metadata.ownerReferences // [] | length')" == 0 ]] \
    || fail "children: retained PVC it-b/fixed-db-data has an owner reference"
  [[ "$(field pvc/ephemeral-db-data it-b '[.metadata.ownerReferences[]? | select(.kind == "MiniTwit")] | length')" == 1 ]] \
    || fail "children: PVC it-b/ephemeral-db-data (retainOnDelete false) has no owner reference"
  pass children "in-cluster database children present; no HPA without autoscaling"
fi

generation_observed() {  # generation_observed NS NAME
  kubectl -n "$1" get minitwit "$2" -o json | jq -e '.status.observedGeneration == .metadata.generation' >/dev/null
}

# --- image -------------------------------------------------------------------------------

deploy_image() { kubectl -n "$1" get deployment "$2" -o jsonpath='{.spec.template.spec.containers[0].image}'; }
image_is() { [[ "$(deploy_image "$1" "$2")" == "$3" ]]; }
if selected image; then
  eventually 10 "it-a/auto observedGeneration catches up" generation_observed it-a auto
  gen_before="$(field minitwit/auto it-a .metadata.generation)"
  kubectl -n it-a patch minitwit auto --type merge -p '{"spec":{"image":"minitwit.local/minitwit:2"}}' >&2
  t="$(now_ms)"
  eventually 10 "the new image reaches the Deployment template" image_is it-a auto minitwit.local/minitwit:2
  image_ms=$(($(now_ms) - t))
  eventually 10 "status.observedGeneration follows the spec change" generation_observed it-a auto
  gen_after="$(field minitwit/auto it-a .status.observedGeneration)"
  ((gen_after > gen_before)) || fail "image: observedGeneration $gen_after did not move past $gen_before"
  eventually 10 "status.image reports the new image" \
    holds '[[ "$(field minitwit/auto it-a .status.image)" == minitwit.local/minitwit:2 ]]'
  pass image "template updated ${image_ms} ms after the patch; observedGeneration $gen_before -> $gen_after"
fi

# --- hpa ---------------------------------------------------------------------------------

operator_owns_replicas() {  # operator_owns_replicas NS NAME: the operator manages spec.replicas
  kubectl -n "$1" get deployment "$2" -o json --show-managed-fields | jq -e '
    [.metadata.managedFields[] | select(.manager == "minitwit-operator") | .fieldsV1["f:spec"]["f:replicas"]?
     | select(. != null)] | length > 0' >/dev/null
}
if selected hpa; then
  managers="$(kubectl -n it-a get deployment auto -o json --show-managed-fields | jq -c '[.metadata.managedFields[].manager]')"
  jq -e 'index("minitwit-operator") != null' <<<"$managers" >/dev/null \
    || fail "hpa: no managedFields entry of minitwit-operator on it-a/auto (managers: $managers)"
  ! operator_owns_replicas it-a auto || fail "hpa: minitwit-operator manages spec.replicas of it-a/auto under an HPA"
  # What the HPA would do: set replicas to 4. A reconcile (forced by a label) must leave it.
  kubectl -n it-a scale deployment auto --replicas 4 >&2
  reconciles_before="$(operator_reconciles main)"
  kubectl -n it-a label minitwit auto touched=1 --overwrite >&2
  eventually 10 "a reconcile after the label" holds '(($(operator_reconciles main) > reconciles_before))'
  consistently $((resync_seconds + 2)) "the Deployment keeps the autoscaler's 4 replicas" \
    holds '[[ "$(field deployment/auto it-a .spec.replicas)" == 4 ]]'
  ! operator_owns_replicas it-a auto || fail "hpa: minitwit-operator took spec.replicas of it-a/auto"
  # And the other way: without autoscaling the operator does own replicas.
  operator_owns_replicas it-b fixed || fail "hpa: without autoscaling minitwit-operator should manage spec.replicas"
  # The HPA's next sync (10 s period) sees the 4 pods; its view reaches the MiniTwit's status
  # (which also settles it before the quiet section counts writes).
  eventually 30 "status.autoscaler.currentReplicas follows the HPA to 4" \
    holds '[[ "$(field minitwit/auto it-a .status.autoscaler.currentReplicas)" == 4 ]]'
  [[ "$(field minitwit/auto it-a .status.desiredReplicas)" == 4 ]] || fail "hpa: status.desiredReplicas is not 4"
  pass hpa "managers $managers; replicas 4 set by another manager survive reconciles and reach status"
fi

# --- scale -------------------------------------------------------------------------------

if selected scale; then
  eventually 10 "status.selector is published for /scale" holds '[[ -n "$(field minitwit/fixed it-b ".status.selector // \"\"")" ]]'
  kubectl -n it-b scale minitwit/fixed --replicas=3 >&2 || fail "scale: kubectl scale mt/fixed failed"
  [[ "$(field minitwit/fixed it-b .spec.replicas)" == 3 ]] || fail "scale: spec.replicas is not 3 after kubectl scale"
  eventually 10 "the Deployment follows kubectl scale" holds '[[ "$(field deployment/fixed it-b .spec.replicas)" == 3 ]]'
  eventually 10 "observedGeneration follows the scale" generation_observed it-b fixed
  # The scale subresource reads back what the Deployment reports.
  eventually 20 "status.replicas reaches 3" holds '[[ "$(kubectl -n it-b get --subresource scale minitwit fixed -o jsonpath="{.status.replicas}")" == 3 ]]'
  pass scale "mt/fixed scaled to 3; Deployment and /scale follow"
fi

# --- quiet -------------------------------------------------------------------------------

if selected quiet; then
  for k in it-a/auto it-b/fixed it-b/ephemeral; do
    eventually 10 "$k converged" generation_observed "${k%/*}" "${k#*/}"
  done
  # An entry someone else added to a list the operator also writes is theirs (as `kubectl set
  # env` adds to the Deployment's env; a Service port here, which starts no rollout) and must
  # not cause an apply per reconcile.
  kubectl -n it-a patch service auto --type json \
    -p '[{"op":"add","path":"/spec/ports/-","value":{"name":"extra","port":8081,"targetPort":8081}}]' >&2
  # In-flight work finished: nothing queued, and no reconcile for one resync period but the
  # resync's own (a converged MiniTwit's reconcile writes nothing, so any write below counts).
  eventually 30 "the operator's work queue is empty" holds '[[ "$(metric_sum main "^workqueue_depth[{]")" == 0 ]]'
  writes_before="$(operator_writes main)"; reconciles_before="$(operator_reconciles main)"
  requests_before="$(operator_requests main)"
  window=$((resync_seconds * 4 + 1))
  sleep "$window"
  writes_after="$(operator_writes main)"; reconciles_after="$(operator_reconciles main)"
  requests_after="$(operator_requests main)"
  reconciled=$((reconciles_after - reconciles_before))
  ((reconciled >= 6)) || fail "quiet: only $reconciled reconciles in ${window}s with a ${resync_seconds}s resync; the test proves nothing"
  if ((writes_after != writes_before)); then
    metrics main | grep 'api_requests_total' >&2
    fail "quiet: $((writes_after - writes_before)) writes in ${window}s over $reconciled reconciles of 3 converged MiniTwits"
  fi
  if [[ "$(kubectl -n it-a get service auto -o jsonpath='{.spec.ports[?(@.name=="extra")].port}')" != 8081 ]]; then
    fail "quiet: the operator removed a Service port it does not own"
  fi
  pass quiet "0 writes, $((requests_after - requests_before)) requests, $reconciled reconciles in ${window}s"
fi

# --- restart -----------------------------------------------------------------------------

if selected restart; then
  restarts_before="$(metric_sum main '^minitwit_operator_watch_restarts_total')"
  apiserver_pid="$(cat "$cluster_state/run/kube-apiserver.pid")"
  say "stopping kube-apiserver (pid $apiserver_pid)"
  kill -TERM "$apiserver_pid"
  # It drains open watches first; after 15 s it is killed, like `cluster down` does.
  for ((i = 0; i < 150; i++)); do kill -0 "$apiserver_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$apiserver_pid" 2>/dev/null && { say "kube-apiserver still draining after 15 s; SIGKILL"; kill -KILL "$apiserver_pid"; }
  for ((i = 0; i < 50; i++)); do kill -0 "$apiserver_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$apiserver_pid" 2>/dev/null && fail "restart: kube-apiserver did not stop"
  # The operator has met the outage (its watches broke) before the API server comes back.
  eventually 30 "the operator's watches notice the outage" \
    holds '(($(metric_sum main "^minitwit_operator_watch_restarts_total") > restarts_before))'
  operator_alive main || fail "restart: the operator exited while the API server was down"
  "$cluster" up --control-plane-only >&2 || fail "restart: cluster up could not start kube-apiserver again"
  t="$(now_ms)"
  kubectl -n it-a patch minitwit auto --type merge -p '{"spec":{"image":"minitwit.local/minitwit:3"}}' >&2
  eventually 60 "a change after the restart is reconciled" image_is it-a auto minitwit.local/minitwit:3
  recover_ms=$(($(now_ms) - t))
  eventually 30 "observedGeneration after the restart" generation_observed it-a auto
  operator_alive main || fail "restart: the operator exited"
  restarts_after="$(metric_sum main '^minitwit_operator_watch_restarts_total')"
    old_uid="$(field deployment/auto it-a .metadata.uid)"
  kubectl -n it-a delete deployment auto --wait=false >&2
  recreated() { local uid; uid="$(field deployment/auto it-a .metadata.uid)" && [[ -n "$uid" && "$uid" != "$old_uid" ]]; }
  # Each informer re-watches on its own backoff (200 ms doubling to 30 s, as client-go's reflector):
  # after a ~20 s outage the Deployment watch may still be waiting out one step when the MiniTwit
  # watch is back.
  eventually 45 "a deleted child is recreated after the restart (the child watches recovered)" recreated
  pass restart "change reconciled ${recover_ms} ms after apiserver came back; watch restarts $restarts_before -> $restarts_after"
fi

# --- gc ----------------------------------------------------------------------------------

if selected gc; then
  kubectl -n it-b delete minitwit fixed ephemeral --wait=false >&2
  gone() { api_absent "$1"; }
  for n in fixed ephemeral; do
    for p in /apis/apps/v1/namespaces/it-b/deployments/$n /api/v1/namespaces/it-b/services/$n \
      /apis/policy/v1/namespaces/it-b/poddisruptionbudgets/$n /api/v1/namespaces/it-b/secrets/$n-session \
      /apis/apps/v1/namespaces/it-b/statefulsets/$n-db /api/v1/namespaces/it-b/services/$n-db; do
      eventually 60 "GC removes $p" gone "$p"
    done
  done
  eventually 60 "the non-retained volume it-b/ephemeral-db-data is removed" \
    gone /api/v1/namespaces/it-b/persistentvolumeclaims/ephemeral-db-data
  consistently 5 "the retained volume it-b/fixed-db-data stays" \
    api_exists /api/v1/namespaces/it-b/persistentvolumeclaims/fixed-db-data
  api_exists /api/v1/namespaces/it-b/secrets/fixed-db || fail "gc: the retained database credentials it-b/fixed-db went"
  pass gc "children removed by the garbage collector; retained PVC and credentials kept"
fi

# --- leader ------------------------------------------------------------------------------

lease_holder() { kubectl -n "$operator_ns" get lease minitwit-operator-leader -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
is_leader() { [[ "$(metric_sum "$1" '^leader_election_master_status[{]')" == 1 ]]; }
if selected leader; then
  stop_operator main
  for n in one two; do
    start_operator "$n" "$operator_bin" "$work/operator.kubeconfig" --leader-elect=true \
      --leader-election-namespace "$operator_ns" --lease-duration "${lease_seconds}s" \
      --renew-deadline "${renew_seconds}s" --retry-period "${retry_seconds}s" --resync-period 1h
  done
  one_or_other() { is_leader one || is_leader two; }
  eventually $((lease_seconds * 3)) "one of the two operators leads" one_or_other
  if is_leader one; then leader=one standby=two; else leader=two standby=one; fi
  consistently $((retry_seconds * 3)) "only $leader leads over three retry periods" \
    holds "is_leader $leader && ! is_leader $standby"
  holder="$(lease_holder)"
  [[ "$holder" == *"_${operator_pids[$leader]}" ]] \
    || fail "leader: Lease holderIdentity '$holder' is not the leader's (pid ${operator_pids[$leader]})"
  # Only the leader reconciles.
  kubectl -n it-a patch minitwit auto --type merge -p '{"spec":{"image":"minitwit.local/minitwit:4"}}' >&2
  eventually 10 "the leader reconciles the change" image_is it-a auto minitwit.local/minitwit:4
  [[ "$(operator_reconciles "$standby")" == 0 ]] || fail "leader: the standby reconciled"
  [[ "$(operator_writes "$standby")" == 0 ]] || fail "leader: the standby wrote to the API server"
  # Kill the leader without a chance to release the Lease: the standby takes over within
  # the lease duration (plus one retry period to notice).
  say "killing leader $leader (pid ${operator_pids[$leader]}) with SIGKILL"
  t="$(now_ms)"
  stop_operator "$leader" KILL
  eventually $((lease_seconds + 2 * retry_seconds + 2)) "the standby takes the lease" is_leader "$standby"
  # From the kill to the standby's acquireTime (its clock is this host's), not to when this
  # test's own poll noticed.
  acquired="$(kubectl -n "$operator_ns" get lease minitwit-operator-leader -o jsonpath='{.spec.acquireTime}')"
  handover_ms=$(($(date -d "$acquired" +%s%3N) - t))
  holder="$(lease_holder)"
  [[ "$holder" == *"_${operator_pids[$standby]}" ]] || fail "leader: Lease holder '$holder' after handover is not the standby"
  kubectl -n it-a patch minitwit auto --type merge -p '{"spec":{"image":"minitwit.local/minitwit:5"}}' >&2
  eventually 10 "the new leader reconciles" image_is it-a auto minitwit.local/minitwit:5
  # The standby polls every retry period plus one API round trip: at worst the lease and two
  # such polls after the last renewal (each round trip allowed 250 ms).
  ((handover_ms <= (lease_seconds + 2 * retry_seconds) * 1000 + 500)) \
    || fail "leader: handover took ${handover_ms} ms (lease ${lease_seconds}s)"
  # A graceful stop releases the Lease at once.
  stop_operator "$standby" TERM
  eventually 5 "a stopped leader releases the Lease" holds '[[ -z "$(lease_holder)" ]]'
  pass leader "handover ${handover_ms} ms after SIGKILL (lease ${lease_seconds}s); only the leader reconciled"
fi

# --- external ----------------------------------------------------------------------------

# A MiniTwit on an external database: the user's own Secret (not labelled by the operator)
# must be found, and DATABASE_URL must come from it.
if selected external; then
  if [[ -z "${operator_pids[main]:-}" ]]; then
    stop_all_operators
    start_operator main "$operator_bin" "$work/operator.kubeconfig" --leader-elect=false --resync-period "${resync_seconds}s"
    eventually 30 "the operator's informers sync (/readyz)" curl -sf --max-time 2 "http://127.0.0.1:${operator_ports[main]}/readyz"
  fi
  kubectl create namespace it-ext >&2
  kubectl -n it-ext create secret generic pg --from-literal uri=postgresql://minitwit:pw@db.example:5432/minitwit >&2
  kubectl apply -f - >&2 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: ext, namespace: it-ext}
spec:
  image: minitwit.local/minitwit:1
  rollout: {progressDeadlineSeconds: 3600}
  database: {external: {secretName: pg, key: uri}}
EOF
  ext_ready() { kubectl -n it-ext get minitwit ext -o json | jq -e '.status.conditions[]? | select(.type == "DatabaseReady" and .status == "True")'; }
  if ! (eventually 10 "the external database Secret it-ext/pg is found (DatabaseReady)" ext_ready); then
    fail "external: $(kubectl -n it-ext get minitwit ext -o json | jq -c '[.status.conditions[]? | select(.type == "DatabaseReady")]')"
  fi
  eventually 10 "it-ext/ext gets its Deployment" api_exists /apis/apps/v1/namespaces/it-ext/deployments/ext
  field deployment/ext it-ext '.spec.template.spec.containers[0].env' | jq -e '[.[] | select(.name == "DATABASE_URL")
    | .valueFrom.secretKeyRef | select(.name == "pg" and .key == "uri")] | length == 1' >/dev/null \
    || fail "external: DATABASE_URL does not come from Secret pg/uri"
  pass external "the user's Secret is found; DATABASE_URL from pg/uri"
fi

# --- namespaced --------------------------------------------------------------------------

# The chart's namespaced mode: the RBAC of `helm template --set watchNamespaces={it-ns-a}` is
# Roles in it-ns-a only, and an operator started with --namespaces it-ns-a works under it.
if selected namespaced; then
  stop_all_operators
  t="$(now_ms)"
  ns_op=it-ns-system
  kubectl create namespace it-ns-a >&2
  kubectl create namespace it-ns-b >&2
  chart_rbac_kubeconfig "$ns_op" "$work/ns-operator.kubeconfig" --set 'watchNamespaces={it-ns-a}'
  # docs/chart.md's CRD upgrade step works over the installed CRD.
  kubectl apply --server-side --force-conflicts -f "$repo_root/charts/minitwit-operator/crds/minitwits.minitwit.dev.yaml" >&2 \
    || fail "namespaced: the documented CRD upgrade (kubectl apply --server-side) failed"
  # The whole chart, as helm would install it, passes the API server's validation (dry run).
  for values in "" "--set watchNamespaces={it-ns-a}" "--set priorityClassName=system-cluster-critical
    --set nodeSelector.kubernetes\.io/os=linux --set imagePullSecrets[0].name=regcred"; do
    # shellcheck disable=SC2086  # word splitting of the helm arguments is wanted
    helm template minitwit-operator "$repo_root/charts/minitwit-operator" --namespace "$ns_op" $values \
      | kubectl apply --dry-run=server -f - >"$work/dry-run.log" 2>&1 \
      || fail "namespaced: the chart rendered with '$values' fails the server dry run: $(cat "$work/dry-run.log")"
  done
  sa="system:serviceaccount:$ns_op:minitwit-operator"
  can() { kubectl auth can-i "$@" --as "$sa" 2>/dev/null || true; }
  [[ "$(can get secrets -n it-ns-a)" == yes ]] || fail "namespaced: $sa cannot read Secrets in the watched namespace"
  [[ "$(can patch pods -n it-ns-a)" == yes ]] || fail "namespaced: $sa cannot patch pods in the watched namespace"
  for denied in "get secrets -n it-ns-b" "list secrets --all-namespaces" "patch pods -n it-ns-b" \
    "patch pods --all-namespaces" "list minitwits.minitwit.dev --all-namespaces" "create deployments.apps -n it-ns-b"; do
    # shellcheck disable=SC2086
    [[ "$(can $denied)" == no ]] || fail "namespaced: $sa may $denied"
  done
  start_operator ns "$operator_bin" "$work/ns-operator.kubeconfig" --leader-elect=false --namespaces it-ns-a \
    --resync-period "${resync_seconds}s"
  eventually 30 "the namespaced operator's informers sync (/readyz)" \
    curl -sf --max-time 2 "http://127.0.0.1:${operator_ports[ns]}/readyz"
  for ns in it-ns-a it-ns-b; do
    kubectl apply -f - >&2 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: site, namespace: $ns}
spec:
  image: minitwit.local/minitwit:1
  rollout: {progressDeadlineSeconds: 3600}
  database:
    inCluster: {storage: 1Gi, retainOnDelete: false}
EOF
  done
  eventually 15 "it-ns-a/site (watched) gets its Deployment" api_exists /apis/apps/v1/namespaces/it-ns-a/deployments/site
  eventually 15 "it-ns-a/site gets a status" holds \
    '[[ -n "$(field minitwit/site it-ns-a ".status.observedGeneration // empty")" ]]'
  consistently $((2 * resync_seconds)) "it-ns-b/site (not watched) stays untouched" holds \
    'api_absent /apis/apps/v1/namespaces/it-ns-b/deployments/site && api_absent /api/v1/namespaces/it-ns-b/secrets/site-session &&
     [[ -z "$(field minitwit/site it-ns-b ".status // empty")" ]]'
  ! grep -qi 'forbidden' "${operator_logs[ns]}" || fail "namespaced: the operator was refused a request: $(grep -i -m3 forbidden "${operator_logs[ns]}")"
  stop_operator ns
  pass namespaced "it-ns-a reconciled, it-ns-b untouched for $((2 * resync_seconds))s; no Secret read or pod patch outside; 3 renders pass the dry run ($(($(now_ms) - t)) ms)"
fi

say "all passed: ${passed[*]}"
