#!/usr/bin/env bash
# kind.cluster: the offline kind cluster works as users rely on it. One bring-up
# (tests/kind/cluster.sh up, from kind-config.yaml: a control plane and two workers) serves
# every check, then the cluster is deleted:
#   - pods on different nodes reach each other (kube-router routes the pod subnets);
#   - a PersistentVolumeClaim binds (local-path-provisioner, StorageClass "standard");
#   - `kubectl top nodes` and `kubectl top pods` answer (metrics-server);
#   - NetworkPolicy is enforced: the MiniTwit operator's database policy (ingress to the
#     database pods on TCP 5432 only from the instance's app pods, as
#     operator/src/controller/desired_state.cpp builds it) lets an app pod in and keeps
#     another pod out, which could connect before the policy existed.
# Needs root and a Docker engine (tests/kind/engine.sh start).
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cluster="$here/../cluster.sh"
export MINITWIT_KIND_NAME="${MINITWIT_KIND_NAME:-minitwit-test}"
# The test's cluster must not take a developer's http://localhost:8080.
export MINITWIT_KIND_HOST_PORT="${MINITWIT_KIND_HOST_PORT:-18080}"
t0=$SECONDS
say() { printf '[kind.cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
fail() { say "FAIL: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "needs root (the Docker engine)"
docker info >/dev/null 2>&1 || fail "no Docker engine answers: run tests/kind/engine.sh start"

"$cluster" down >/dev/null 2>&1 || true   # a killed run's leftovers
cleanup() {
  local rc=$?
  if ((rc != 0)); then
    kubectl get pods -A -o wide >&2 2>/dev/null || true
    kubectl -n "$ns" describe pods >&2 2>/dev/null | tail -60 || true
  fi
  "$cluster" down >&2 || rc=1
  say "total $((SECONDS - t0)) s"
  exit "$rc"
}
trap cleanup EXIT
ns=kind-test

t=$SECONDS
"$cluster" up
say "cluster up: $((SECONDS - t)) s"
eval "$("$cluster" env)"

t=$SECONDS
mapfile -t workers < <(kubectl get nodes -l '!node-role.kubernetes.io/control-plane' -o name | sed 's|^node/||')
((${#workers[@]} == 2)) || fail "expected 2 worker nodes, found ${#workers[@]}: ${workers[*]}"
nettools="$(kubectl -n local-path-storage get configmap local-path-config -o jsonpath='{.data.helperPod\.yaml}' | sed -n 's/^ *image: *//p')"
[[ -n $nettools ]] || fail "no helper image in local-path-config"

kubectl create namespace "$ns" >/dev/null
# pod NAME NODE COMPONENT [PVC]: a non-root socat pod pinned to NODE with the MiniTwit labels
# of COMPONENT; the database one serves TCP 5432 from a file on its volume.
pod() {
  local name="$1" node="$2" component="$3" claim="${4:-}" command volumes="" mounts=""
  if [[ $component == database ]]; then
    command='echo ok > /data/ok && exec socat TCP-LISTEN:5432,fork,reuseaddr SYSTEM:"cat /data/ok"'
    mounts="volumeMounts: [{name: data, mountPath: /data}]"
    volumes="volumes: [{name: data, persistentVolumeClaim: {claimName: $claim}}]"
  else
    command='exec sleep 3600'
  fi
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: $name
  labels: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: demo, app.kubernetes.io/component: $component}
spec:
  nodeSelector: {kubernetes.io/hostname: $node}   # scheduled (not nodeName): the PVC binds on scheduling
  terminationGracePeriodSeconds: 0
  securityContext: {runAsUser: 65534, runAsGroup: 65534, fsGroup: 65534, runAsNonRoot: true}
  containers:
  - name: main
    image: $nettools
    imagePullPolicy: Never
    command: [/bin/sh, -c, '$command']
    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
    $mounts
  $volumes
YAML
}
kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: demo-db-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 16Mi}}
YAML
pod database "${workers[0]}" database demo-db-data
pod app "${workers[1]}" app
pod outsider "${workers[1]}" other
kubectl -n "$ns" wait --for=condition=Ready pod --all --timeout=120s >/dev/null ||
  fail "test pods did not become Ready"
phase="$(kubectl -n "$ns" get pvc demo-db-data -o jsonpath='{.status.phase}')"
[[ $phase == Bound ]] || fail "PVC demo-db-data is $phase, not Bound"
say "PVC bound through StorageClass $(kubectl -n "$ns" get pvc demo-db-data -o jsonpath='{.spec.storageClassName}')"
db_ip="$(kubectl -n "$ns" get pod database -o jsonpath='{.status.podIP}')"

# connect FROM: what FROM reads from the database pod's port 5432 (empty when refused or
# timed out).
connect() { kubectl -n "$ns" exec "$1" -- socat -T 3 - "TCP:$db_ip:5432,connect-timeout=3" </dev/null 2>/dev/null || true; }

[[ "$(connect app)" == ok ]] || fail "app pod on ${workers[1]} cannot reach the database pod on ${workers[0]} ($db_ip)"
[[ "$(connect outsider)" == ok ]] || fail "before any NetworkPolicy, the outsider pod cannot reach the database pod"
say "cross-node pod-to-pod traffic works (${workers[1]} -> ${workers[0]})"

kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: demo-db}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: demo, app.kubernetes.io/component: database}
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: demo, app.kubernetes.io/component: app}
    ports: [{protocol: TCP, port: 5432}]
YAML
# kube-router applies a policy within a few seconds; give it 30.
denied=0
for _ in $(seq 1 15); do
  if [[ -z "$(connect outsider)" ]]; then denied=1; break; fi
  sleep 2
done
((denied)) || fail "NetworkPolicy not enforced: the outsider pod still reaches the database pod"
[[ "$(connect app)" == ok ]] || fail "NetworkPolicy blocks the app pod it allows"
say "NetworkPolicy enforced: app pod allowed, outsider pod denied"

top_nodes="$(kubectl top nodes --no-headers)" || fail "kubectl top nodes failed"
(($(wc -l <<<"$top_nodes") == 3)) || fail "kubectl top nodes lists $(wc -l <<<"$top_nodes") nodes, expected 3"
t2=$SECONDS
until kubectl -n kube-system top pods --no-headers 2>/dev/null | grep -q .; do
  ((SECONDS - t2 < 60)) || fail "kubectl top pods gives nothing"
  sleep 3
done
say "metrics: kubectl top nodes and top pods answer"
say "checks: $((SECONDS - t)) s"
say "PASS"
