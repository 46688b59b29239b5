#!/usr/bin/env bash
# Control plane of the local cluster: `cluster up --control-plane-only` (etcd,
# kube-apiserver, kube-controller-manager) comes up in well under a minute, is a no-op when
# repeated, reconciles a Deployment into a ReplicaSet, and `down` leaves nothing behind.
# Runs its own instance (state directory, node address and device of its own), so it starts
# from a down cluster and leaves it down even while a developer's cluster runs.
set -euo pipefail
test_name=control-plane
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_root
require_cluster_binaries kubernetes

export MINITWIT_CLUSTER_STATE=/var/lib/minitwit-cluster-cptest
export MINITWIT_CLUSTER_NODE_IP=172.31.254.1
export MINITWIT_CLUSTER_NODE_DEVICE=mtc-cptest0
state="$MINITWIT_CLUSTER_STATE"
max_up_seconds="${MINITWIT_CLUSTER_MAX_UP_SECONDS:-45}"

# A previous run that was killed may have left its instance: take it down first.
if "$cluster" status >/dev/null 2>&1 || [[ -d "$state/run" ]]; then
  say "an earlier test instance is still up; taking it down"
  "$cluster" down
fi
status=0; "$cluster" status >/dev/null 2>&1 || status=$?
[[ $status -eq 3 ]] || fail "cluster status should say down (3) before up, said $status"

cleanup() {
  local rc=$?
  "$cluster" down >&2 || rc=1
  if ((rc != 0)); then
    for log in "$state"/logs/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- last lines of $log" >&2
      tail -n 15 "$log" >&2
    done
  fi
  exit "$rc"
}
trap cleanup EXIT

say "cluster up --control-plane-only"
start=$SECONDS
"$cluster" up --control-plane-only
up_seconds=$((SECONDS - start))
say "control plane up in ${up_seconds}s"
((up_seconds <= max_up_seconds)) || fail "up --control-plane-only took ${up_seconds}s (limit ${max_up_seconds}s)"
"$cluster" status >/dev/null || fail "status should exit 0 when the control plane is up"

kubeconfig="$("$cluster" kubeconfig)"
[[ -f "$kubeconfig" ]] || fail "no kubeconfig at $kubeconfig"
eval "$("$cluster" env)"
export KUBECONFIG="$kubeconfig"

say "up again is a no-op"
pids_before="$(cat "$state"/run/*.pid | sort)"
start=$SECONDS
"$cluster" up --control-plane-only
((SECONDS - start <= 3)) || fail "a second up took $((SECONDS - start))s; it should be a no-op"
[[ "$(cat "$state"/run/*.pid | sort)" == "$pids_before" ]] || fail "a second up restarted components"

say "the API server tells the truth about itself"
version="$(kubectl version -o json | jq -r .serverVersion.gitVersion)"
source "$cluster_dir/versions.env"
[[ "$version" == "$KUBERNETES_VERSION" ]] || fail "server version $version, expected $KUBERNETES_VERSION"
# kube-apiserver writes this EndpointSlice from a loop that starts after it reports healthy.
advertises_node_ip() {
  [[ "$(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
    -o jsonpath='{.items[0].endpoints[0].addresses[0]}')" == "$MINITWIT_CLUSTER_NODE_IP" ]]
}
eventually 30 "the kubernetes Service's endpoint is the node IP $MINITWIT_CLUSTER_NODE_IP" advertises_node_ip

say "a Deployment gets its ReplicaSet"
ns="cp-test-$$"
kubectl create namespace "$ns" >/dev/null
kubectl -n "$ns" create deployment web --image=minitwit.local/never-pulled:1 --replicas=2 >/dev/null
rs_owner() {
  [[ "$(kubectl -n "$ns" get replicasets -l app=web -o jsonpath='{.items[0].metadata.ownerReferences[0].name}' 2>/dev/null)" == web ]]
}
eventually 30 "a ReplicaSet owned by Deployment web" rs_owner
rs_pods() { [[ "$(kubectl -n "$ns" get pods -l app=web --no-headers 2>/dev/null | wc -l)" -eq 2 ]]; }
eventually 30 "the ReplicaSet's two pods" rs_pods

say "service accounts and tokens work (signing key, root CA)"
sa_ready() { kubectl -n "$ns" get serviceaccount default >/dev/null 2>&1; }
eventually 30 "service account default in $ns" sa_ready
token="$(kubectl -n "$ns" create token default)"
[[ "$(kubectl --token "$token" --kubeconfig /dev/null --server "https://$MINITWIT_CLUSTER_NODE_IP:6443" \
  --certificate-authority "$state/pki/ca.crt" auth whoami -o jsonpath='{.status.userInfo.username}')" == \
  "system:serviceaccount:$ns:default" ]] || fail "a service-account token was not accepted"
root_ca_published() { kubectl -n "$ns" get configmap kube-root-ca.crt >/dev/null 2>&1; }
eventually 30 "kube-root-ca.crt in $ns" root_ca_published

say "garbage collection: deleting the Deployment removes its ReplicaSet"
kubectl -n "$ns" delete deployment web --wait=false >/dev/null
# Gone means an answered, empty list: a kubectl error (apiserver down) is not "gone".
rs_gone() { local out; out="$(kubectl -n "$ns" get replicasets -o name)" && [[ -z "$out" ]]; }
eventually 60 "the ReplicaSet to be garbage-collected" rs_gone

say "cluster down"
cluster_down_checked
leftovers="$(cluster_processes "$state")"
[[ -z "$leftovers" ]] || fail "processes left behind: $leftovers"
if grep -q "^$state/" <<<"$(findmnt -rn -o TARGET)"; then fail "mounts left under $state"; fi
if ip link show "$MINITWIT_CLUSTER_NODE_DEVICE" >/dev/null 2>&1; then fail "device $MINITWIT_CLUSTER_NODE_DEVICE left behind"; fi
rm -rf --one-file-system "$state"
say "PASS (control plane up in ${up_seconds}s)"
