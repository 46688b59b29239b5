#!/usr/bin/env bash
# Changing how a live MiniTwit scales never drops it below the replicas it had and wants, on a
# real control plane (tests/cluster `up --control-plane-only`: etcd, kube-apiserver and
# kube-controller-manager, whose HPA controller runs; without metrics-server it only enforces
# minReplicas/maxReplicas). The operator runs as a host process under the chart's RBAC.
#
# Each transition is a patch of the MiniTwit while a watch on its Deployment records every
# spec.replicas the API server stores; the lowest value must be at least min(replicas before,
# replicas wanted after). The transition ends when the operator has observed the generation,
# the Deployment holds the wanted count and (with autoscaling) the HPA has synced since.
#   resize-up          replicas 3 -> 5
#   resize-down        replicas 5 -> 3
#   to-autoscaled      replicas 3 -> autoscaling {minReplicas: 3, maxReplicas: 6}
#   to-fixed           autoscaled (HPA at 5) -> replicas 4
#   to-hotstandby      replicas 4 -> HotStandby
#   hotstandby-to-auto HotStandby -> autoscaling {minReplicas: 3, maxReplicas: 5}
#   auto-to-hotstandby autoscaled -> HotStandby
#   to-scaled          HotStandby -> replicas 3
# and, while autoscaled, the MiniTwit's status reports the HPA's replicas and last scale time
# (status), and the CRD refuses bad scaling rules with their messages (behavior).
# Usage: scaling_transitions_test.sh --operator PATH [--only NAME[,NAME...]]
set -Eeuo pipefail
test_name=scaling-transitions
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
trap_errors

control_plane_test e2e-scale 251 "$@"

watch_pid=""
stop_watch() { [[ -z "$watch_pid" ]] || { kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null; watch_pid=""; } || true; }
before_cleanup() { stop_watch; }

say "cluster up --control-plane-only"
MINITWIT_CLUSTER_BUILD=1 "$cluster" up --control-plane-only >&2 || fail "cluster up --control-plane-only failed"
cluster_env
start_proxy "$work/proxy.log"

kubectl apply -f "$repo_root/crds/minitwits.minitwit.dev.yaml" >&2 || fail "kubectl apply of the CRD failed"
kubectl wait --for condition=Established --timeout 30s crd/minitwits.minitwit.dev >&2 \
  || fail "the CRD did not become Established"
eventually 30 "the minitwits resource is served" kubectl get minitwits -A

# --- behavior: the API server refuses bad scaling rules -----------------------------------

ns=it-scale
kubectl create namespace "$ns" >&2
# expect_refused NAME MESSAGE AUTOSCALING: a MiniTwit with that autoscaling is refused with MESSAGE.
expect_refused() {
  local name="$1" message="$2" autoscaling="$3" out
  if out="$(kubectl apply --dry-run=server -f - 2>&1 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: bad, namespace: $ns}
spec:
  image: minitwit.local/minitwit:1
  autoscaling: $autoscaling
  database: {external: {secretName: pg}}
EOF
  )"; then
    fail "behavior: $name was accepted; expected it refused with: $message"
  fi
  grep -qF -- "$message" <<<"$out" || fail "behavior: $name refused, but without '$message': $out"
}
if selected behavior; then
  expect_refused "both scale-down windows, different" "set only behavior.scaleDown.stabilizationWindowSeconds" \
    '{maxReplicas: 4, scaleDownStabilizationSeconds: 300, behavior: {scaleDown: {stabilizationWindowSeconds: 60}}}'
  expect_refused "a window over an hour" "should be less than or equal to 3600" \
    '{maxReplicas: 4, behavior: {scaleUp: {stabilizationWindowSeconds: 3601}}}'
  expect_refused "a period over 30 minutes" "should be less than or equal to 1800" \
    '{maxReplicas: 4, behavior: {scaleUp: {policies: [{type: Pods, value: 1, periodSeconds: 1801}]}}}'
  expect_refused "a policy of 0 pods" "should be greater than or equal to 1" \
    '{maxReplicas: 4, behavior: {scaleDown: {policies: [{type: Percent, value: 0, periodSeconds: 60}]}}}'
  expect_refused "an empty policy list" "should have at least 1 items" \
    '{maxReplicas: 4, behavior: {scaleDown: {policies: []}}}'
  expect_refused "an unknown policy type" 'supported values: "Pods", "Percent"' \
    '{maxReplicas: 4, behavior: {scaleUp: {policies: [{type: Ratio, value: 1, periodSeconds: 60}]}}}'
  expect_refused "an unknown select policy" 'supported values: "Max", "Min", "Disabled"' \
    '{maxReplicas: 4, behavior: {scaleUp: {selectPolicy: Fastest}}}'
  # The course example and the same window spelled twice are accepted.
  kubectl create namespace minitwit >&2
  kubectl apply --dry-run=server -f "$repo_root/examples/minitwit-course-autoscaling.yaml" >&2 \
    || fail "behavior: examples/minitwit-course-autoscaling.yaml was refused"
  kubectl apply --dry-run=server -f - >&2 <<EOF || fail "behavior: equal windows in both spellings were refused"
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: good, namespace: $ns}
spec:
  image: minitwit.local/minitwit:1
  autoscaling: {maxReplicas: 4, scaleDownStabilizationSeconds: 60, behavior: {scaleDown: {stabilizationWindowSeconds: 60}}}
  database: {external: {secretName: pg}}
EOF
  pass behavior "7 bad scaling rules refused with their messages; the course example accepted"
fi

# --- the operator and the MiniTwit --------------------------------------------------------

operator_ns=minitwit-system
chart_rbac_kubeconfig "$operator_ns" "$work/operator.kubeconfig"
start_operator main "$operator_bin" "$work/operator.kubeconfig" --leader-elect=false --resync-period 30s
eventually 30 "the operator's informers sync (/readyz)" \
  curl -sf --max-time 2 "http://127.0.0.1:${operator_ports[main]}/readyz"

kubectl -n "$ns" create secret generic pg --from-literal=uri=postgresql://u:p@db.invalid:5432/m >&2
kubectl apply -f - >&2 <<EOF
apiVersion: minitwit.dev/v1alpha1
kind: MiniTwit
metadata: {name: tr, namespace: $ns}
spec:
  image: minitwit.local/minitwit:1
  replicas: 3
  rollout: {progressDeadlineSeconds: 3600}
  resources: {requests: {cpu: 100m}}
  database: {external: {secretName: pg}}
EOF

mt_json() { kubectl -n "$ns" get minitwit tr -o json; }
deploy_replicas() { kubectl -n "$ns" get deployment tr -o jsonpath='{.spec.replicas}'; }
replicas_are() { [[ "$(deploy_replicas)" == "$1" ]]; }
observed() { mt_json | jq -e '.status.observedGeneration == .metadata.generation' >/dev/null; }
# The HPA controller has synced the HPA at least once (it writes conditions; it never sets
# status.observedGeneration). Each transition to autoscaling creates a new HPA.
hpa_synced() {
  kubectl -n "$ns" get hpa tr -o json 2>/dev/null | jq -e '(.status.conditions // []) | length > 0' >/dev/null
}
hpa_gone() { api_absent "/apis/autoscaling/v2/namespaces/$ns/horizontalpodautoscalers/tr"; }
eventually 20 "the Deployment of $ns/tr has 3 replicas" replicas_are 3

# transition NAME FLOOR FINAL AUTOSCALED PATCH: applies PATCH to the MiniTwit while watching
# the Deployment, waits until it settles at FINAL, and fails if spec.replicas ever went below FLOOR.
transition() {
  local name="$1" floor="$2" final="$3" autoscaled="$4" patch="$5"
  local log="$work/watch-$name.jsonl" seen lowest
  : >"$log"
  # A watch from the current state: its first event is the Deployment as it is now, then every write.
  curl -sN --max-time 300 \
    "$proxy_url/apis/apps/v1/namespaces/$ns/deployments?watch=1&fieldSelector=metadata.name%3Dtr" >"$log" &
  watch_pid=$!
  eventually 10 "$name: the watch delivers the current Deployment" test -s "$log"
  kubectl -n "$ns" patch minitwit tr --type merge -p "$patch" >&2 || fail "$name: patch refused: $patch"
  eventually 20 "$name: the operator observes the change" observed
  eventually 40 "$name: the Deployment settles at $final replicas" replicas_are "$final"
  if [[ "$autoscaled" == yes ]]; then
    eventually 40 "$name: the HPA has synced since the change" hpa_synced
  else
    eventually 20 "$name: the HPA is gone" hpa_gone
  fi
  # Whatever the HPA or the operator write in the next reconcile comes before this mark.
  eventually 20 "$name: the operator observes the change again" observed
  replicas_are "$final" || fail "$name: the Deployment left $final replicas after settling: $(deploy_replicas)"
  stop_watch
  seen="$(jq -r 'select(.type != "BOOKMARK") | .object.spec.replicas' "$log" | uniq | paste -sd' ')"
  lowest="$(tr ' ' '\n' <<<"$seen" | sort -n | sed -n 1p)"
  [[ -n "$lowest" ]] || fail "$name: the watch recorded nothing"
  ((lowest >= floor)) || fail "$name: spec.replicas went down to $lowest (floor $floor); values seen: $seen"
  pass "$name" "spec.replicas seen: $seen (floor $floor)"
}

run() { if selected "$1"; then transition "$@"; fi; }

run resize-up 3 5 no '{"spec":{"replicas":5}}'
run resize-down 3 3 no '{"spec":{"replicas":3}}'
eventually 30 "the Deployment has 3 replicas" replicas_are 3
run to-autoscaled 3 3 yes '{"spec":{"autoscaling":{"minReplicas":3,"maxReplicas":6}}}'

if selected status || selected to-fixed; then
  if [[ -z "$(kubectl -n "$ns" get hpa tr -o name 2>/dev/null)" ]]; then
    kubectl -n "$ns" patch minitwit tr --type merge -p '{"spec":{"autoscaling":{"minReplicas":3,"maxReplicas":6}}}' >&2
    eventually 30 "the HPA exists and has synced" hpa_synced
  fi
  # The HPA's own decision, made by hand: scale the Deployment to 5 (within 3..6, and the HPA
  # without metrics keeps it). Then below minReplicas: the HPA scales back up to 3 itself,
  # which sets its status.lastScaleTime.
  kubectl -n "$ns" scale deployment tr --replicas 5 >&2
  eventually 20 "the HPA sees 5 replicas" \
    holds '[[ "$(kubectl -n "$ns" get hpa tr -o jsonpath="{.status.currentReplicas}")" == 5 ]]'
fi
if selected status; then
  autoscaler_is() { mt_json | jq -e --argjson n "$1" '.status.desiredReplicas == $n
    and .status.autoscaler.currentReplicas == $n' >/dev/null; }
  eventually 30 "status.desiredReplicas and status.autoscaler follow the HPA to 5" autoscaler_is 5
  kubectl -n "$ns" scale deployment tr --replicas 1 >&2
  eventually 40 "the HPA restores minReplicas 3" replicas_are 3
  eventually 40 "status.autoscaler reports the HPA's scale to 3 and when" \
    holds 'mt_json | jq -e ".status.autoscaler.desiredReplicas == 3 and .status.autoscaler.currentReplicas == 3
      and (.status.autoscaler.lastScaleTime | type == \"string\") and .status.desiredReplicas == 3" >/dev/null'
  hpa_time="$(kubectl -n "$ns" get hpa tr -o jsonpath='{.status.lastScaleTime}')"
  mt_time="$(mt_json | jq -r .status.autoscaler.lastScaleTime)"
  [[ "$hpa_time" == "$mt_time" ]] || fail "status: lastScaleTime $mt_time is not the HPA's $hpa_time"
  printed="$(kubectl -n "$ns" get minitwit tr)"
  [[ "$(head -n1 <<<"$printed")" == *DESIRED* ]] || fail "status: kubectl get mt shows no DESIRED column: $printed"
  pass status "desiredReplicas and autoscaler {current, desired, lastScaleTime $mt_time} follow the HPA"
  kubectl -n "$ns" scale deployment tr --replicas 5 >&2
  eventually 20 "the HPA sees 5 replicas" \
    holds '[[ "$(kubectl -n "$ns" get hpa tr -o jsonpath="{.status.currentReplicas}")" == 5 ]]'
fi
run to-fixed 4 4 no '{"spec":{"autoscaling":null,"replicas":4}}'
if selected to-fixed; then
  [[ "$(mt_json | jq -r '.status.autoscaler // "none"')" == none ]] \
    || fail "to-fixed: status.autoscaler is still reported without an HPA"
fi
run to-hotstandby 2 2 no '{"spec":{"autoscaling":null,"mode":"HotStandby","replicas":2}}'
run hotstandby-to-auto 2 3 yes '{"spec":{"mode":"Scaled","autoscaling":{"minReplicas":3,"maxReplicas":5}}}'
run auto-to-hotstandby 2 2 no '{"spec":{"autoscaling":null,"mode":"HotStandby","replicas":2}}'
run to-scaled 2 3 no '{"spec":{"mode":"Scaled","replicas":3}}'

say "all passed: ${passed[*]}"
