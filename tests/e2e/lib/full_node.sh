# shellcheck shell=bash
# The full local node for end-to-end tests: claim it (one per host), build and load the
# project's images, bring it up, helm install the operator with the chart's defaults, and
# take it down on exit. Sourced after lib/common.sh; the caller sets `work`.
#
# MINITWIT_E2E_CLUSTER=kind runs the same tests on a kind cluster from kind-config.yaml
# (tests/kind/cluster.sh; one control plane, two workers) instead of the local node: the
# host reaches Services through a route to a kind node, and the NodePort through
# kind-config.yaml's port mapping (on localhost).
e2e_cluster="${MINITWIT_E2E_CLUSTER:-local}"
[[ "$e2e_cluster" == local || "$e2e_cluster" == kind ]] || fail "MINITWIT_E2E_CLUSTER=$e2e_cluster: want local or kind"
kind_cluster="$repo_root/tests/kind/cluster.sh"
# Its own name and host port, so it runs beside a developer's `hack/up.sh` kind cluster.
export MINITWIT_KIND_NAME="${MINITWIT_KIND_NAME:-minitwit-e2e}" MINITWIT_KIND_HOST_PORT="${MINITWIT_KIND_HOST_PORT:-18080}"
kind_service_cidr=10.96.0.0/12  # kind's default serviceSubnet
# nodeport_url: the app's NodePort 30080 as the host sees it.
nodeport_url() { if [[ "$e2e_cluster" == kind ]]; then echo "http://127.0.0.1:$MINITWIT_KIND_HOST_PORT"; else echo "http://${MINITWIT_CLUSTER_NODE_IP:-172.31.255.1}:30080"; fi; }

# --- the simulator's machine -------------------------------------------------------------
# The course's simulator runs on a machine of its own. A whole-course replay at full speed
# opens some 26,000 connections a minute (Connection: close, so TIME_WAIT stays with the
# client); on the host they would share its 28,000 ephemeral ports with the kubelet's probes,
# the API server's clients and other tests (no TIME_WAIT reuse towards the node's address,
# which is not loopback), and a replay near the end of the range fails to connect (seen: 5 of
# 25,922 connection errors on a busy host). full_node_client runs a command on a stand-in for
# that machine: on the local node a network namespace of its own (a veth pair to the host, a
# route to the node's address); on kind the host itself (the NodePort is on localhost, where
# TIME_WAIT ports are reused).
full_node_client_ns=minitwit-e2e-client
full_node_client_if=mtc-client
full_node_client() {
  [[ "$e2e_cluster" == local ]] || { "$@"; return; }
  ip netns exec "$full_node_client_ns" true 2>/dev/null || full_node_client_up
  ip netns exec "$full_node_client_ns" "$@"
}
full_node_client_up() {
  local ns="$full_node_client_ns" host_if="$full_node_client_if" node_ip="${MINITWIT_CLUSTER_NODE_IP:-172.31.255.1}"
  full_node_client_down
  ip netns add "$ns" || fail "ip netns add $ns failed"
  ip link add "$host_if" type veth peer name eth0 netns "$ns" || fail "cannot make the client's veth pair"
  ip addr add 172.31.250.1/30 dev "$host_if"
  ip link set "$host_if" up
  ip -n "$ns" addr add 172.31.250.2/30 dev eth0
  ip -n "$ns" link set eth0 up
  ip -n "$ns" link set lo up
  ip -n "$ns" route add "$node_ip/32" via 172.31.250.1
}
full_node_client_down() {
  ip netns del "$full_node_client_ns" 2>/dev/null || true  # takes its end of the veth pair along
  ip link del "$full_node_client_if" 2>/dev/null || true
}

# The full node lives in the default state directory.
full_node_state=/var/lib/minitwit-cluster
full_node_owner_file=/run/minitwit-e2e-full-node.owner
[[ "$e2e_cluster" == local ]] || full_node_owner_file=/run/minitwit-e2e-kind.owner

# full_node_claim: takes the host's full node, or waits (bounded) for another user's to stop.
full_node_claim() {
  unset MINITWIT_CLUSTER_STATE MINITWIT_CLUSTER_NODE_IP MINITWIT_CLUSTER_NODE_DEVICE
  local i
  if [[ "$e2e_cluster" == kind ]]; then
    [[ -x "$kind_cluster" ]] || missing "tests/kind/cluster.sh"
    # Started here when none answers (hack/test.sh starts it in the background meanwhile).
    "$repo_root/tests/kind/engine.sh" start >&2 || fail "no Docker engine answers and tests/kind/engine.sh start failed"
    if (eval "$("$kind_cluster" env)" && grep -qx "$MINITWIT_KIND_NAME" <<<"$(kind get clusters 2>/dev/null)"); then
      if [[ -f "$full_node_owner_file" ]] && kill -0 "$(cat "$full_node_owner_file")" 2>/dev/null; then
        fail "the kind cluster $MINITWIT_KIND_NAME belongs to a running test (pid $(cat "$full_node_owner_file"))"
      fi
      say "a kind cluster $MINITWIT_KIND_NAME left by an earlier run is up; deleting it"
      "$kind_cluster" down >&2
    fi
    echo $$ >"$full_node_owner_file"
    return 0
  fi
  if "$cluster" status >/dev/null 2>&1; then
    if [[ -f "$full_node_owner_file" ]] && ! kill -0 "$(cat "$full_node_owner_file")" 2>/dev/null; then
      say "a full node left by an earlier end-to-end run is up; taking it down"
      "$cluster" down >&2
    else
      say "another full cluster is up; waiting up to 10 min for it to stop"
      for ((i = 0; i < 120; i++)); do "$cluster" status >/dev/null 2>&1 || break; sleep 5; done
      "$cluster" status >/dev/null 2>&1 && fail "another full cluster has been up for 10 minutes; not touching it"
    fi
  fi
  echo $$ >"$full_node_owner_file"
}

# full_node_release RC: diagnostics when RC != 0, then the node goes down; returns the final rc.
full_node_release() {
  local rc="$1"
  if ((rc != 0)) && command -v kubectl >/dev/null; then
    kubectl get pods -A -o wide >&2 2>/dev/null || true
    kubectl -n minitwit get minitwit -o yaml 2>/dev/null | tail -n 60 >&2 || true
    kubectl -n minitwit-system logs -l app.kubernetes.io/name=minitwit-operator --tail 30 >&2 2>/dev/null || true
    kubectl -n minitwit logs -l app.kubernetes.io/component=app --prefix --tail 15 >&2 2>/dev/null || true
    kubectl -n minitwit get events --field-selector type=Warning 2>/dev/null | tail -n 15 >&2 || true
  fi
  full_node_client_down
  if [[ "$e2e_cluster" == kind ]]; then
    ip route del "$kind_service_cidr" 2>/dev/null || true
    if ((rc != 0)) && [[ -n "${MINITWIT_E2E_KEEP_KIND:-}" ]]; then
      say "kind cluster $MINITWIT_KIND_NAME kept (MINITWIT_E2E_KEEP_KIND)"
    else
      "$kind_cluster" down >&2 || rc=1
    fi
  else
    "$cluster" down >&2 || rc=1
  fi
  rm -f "$full_node_owner_file"
  return "$rc"
}

# full_node_images DIR APP_BINARY OPERATOR_BINARY: minitwit.local/minitwit:dev, the local
# Postgres and the operator image (its tag in `operator_tag`). By default the app and operator
# images pack the given binaries (tests/images, operator tag from the binary's hash); with
# MINITWIT_E2E_IMAGES=docker they are the Dockerfile's, built by the local Docker engine
# (tests/docker/build.sh; the binaries are then unused) and tagged as the tests expect.
full_node_images() {
  local dir="$1" app="$2" op="$3"
  full_node_app_binary="$app"
  case "${MINITWIT_E2E_IMAGES:-local}" in
    local)
      full_node_app_image minitwit.local/minitwit:dev "$dir/minitwit-dev.tar"
      operator_tag="e2e-$(sha256sum "$op" | cut -c1-12)"
      "$repo_root/tests/images/operator.sh" --binary "$op" --tag "minitwit.local/minitwit-operator:$operator_tag" \
        --out "$dir/operator.tar" >&2 ;;
    docker)
      say "images from the Dockerfile (MINITWIT_E2E_IMAGES=docker)"
      "$repo_root/tests/docker/build.sh" >&2 || fail "tests/docker/build.sh failed"
      full_node_app_image minitwit.local/minitwit:dev "$dir/minitwit-dev.tar"
      operator_tag=docker
      "$repo_root/tests/docker/archive.sh" minitwit.local/minitwit-operator:docker "$dir/operator.tar" >&2 ;;
    *) fail "MINITWIT_E2E_IMAGES='$MINITWIT_E2E_IMAGES': want local or docker" ;;
  esac
  "$repo_root/tests/images/postgres/build.sh" --out "$dir/postgres.tar" >&2
}

# full_node_app_image TAG FILE: the app image of this run (see full_node_images) under TAG.
full_node_app_image() {
  if [[ "${MINITWIT_E2E_IMAGES:-local}" == docker ]]; then
    "$repo_root/tests/docker/archive.sh" minitwit.local/minitwit:docker "$2" "$1" >&2
  else
    "$repo_root/tests/images/minitwit/build.sh" --binary "$full_node_app_binary" --tag "$1" --out "$2" >&2
  fi
}

# full_node_up TARBALL...: the node up, kubectl on PATH, the images loaded.
full_node_up() {
  local t
  if [[ "$e2e_cluster" == kind ]]; then
    say "cluster up (kind, kind-config.yaml)"
    t="$(now_ms)"
    "$kind_cluster" up >&2 || fail "tests/kind/cluster.sh up failed"
    say "kind cluster up in $((($(now_ms) - t) / 1000)) s"
    eval "$("$kind_cluster" env)"
    command -v kubectl >/dev/null || missing "kubectl (tests/kind/cluster.sh env puts it on PATH)"
    command -v helm >/dev/null || missing "helm from the cluster cache (tests/cluster/build.sh helm)"
    t="$(now_ms)"
    "$kind_cluster" load "$@" >&2 || fail "kind load failed"
    say "images loaded into the kind nodes in $((($(now_ms) - t) / 1000)) s"
    # Services from the host, as on the local node: kube-proxy on a node translates what
    # the host routes to it.
    local cp_ip
    cp_ip="$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$MINITWIT_KIND_NAME-control-plane")"
    [[ -n "$cp_ip" ]] || fail "no address for the kind node $MINITWIT_KIND_NAME-control-plane"
    ip route replace "$kind_service_cidr" via "$cp_ip" || fail "cannot route $kind_service_cidr via $cp_ip"
    return 0
  fi
  say "cluster up (full node)"
  t="$(now_ms)"
  MINITWIT_CLUSTER_BUILD=1 "$cluster" up >&2 || fail "cluster up failed"
  say "cluster up in $((($(now_ms) - t) / 1000)) s"
  cluster_env
  "$cluster" load-image "$@" >&2 || fail "load-image failed"
}

# node_load_images TARBALL...: docker-archives into the running cluster's nodes.
node_load_images() {
  if [[ "$e2e_cluster" == kind ]]; then "$kind_cluster" load "$@" >&2; else "$cluster" load-image "$@" >&2; fi
}

# operator_lease_holder: the pod name that holds the operator's Lease ("" when none).
operator_lease_holder() {
  local holder
  holder="$(kubectl -n minitwit-system get lease minitwit-operator-leader -o jsonpath='{.spec.holderIdentity}' 2>/dev/null)"
  echo "${holder%_*}"
}

# install_operator: helm install with the chart's defaults (two replicas, leader election);
# `helm test` would run its check in the toolbox image (tests/images/toolbox).
install_operator() {
  say "helm install the operator"
  helm install minitwit-operator "$repo_root/charts/minitwit-operator" --namespace minitwit-system --create-namespace \
    --set image.tag="$operator_tag" --set test.image.repository=minitwit.local/toolbox --set test.image.tag=1 \
    --wait --timeout 5m >&2 || fail "helm install failed"
  # helm --wait judges the ReplicaSet; the Deployment's status follows a moment later.
  eventually 30 "the operator Deployment reports 2 ready replicas" holds \
    '[[ "$(kubectl -n minitwit-system get deploy minitwit-operator -o jsonpath="{.status.readyReplicas}")" == 2 ]]'
  eventually 60 "one operator replica holds the Lease" holds '[[ -n "$(operator_lease_holder)" ]]'
}

# pod_gone NAMESPACE POD: the API server answers, with no such pod (an error is not "gone").
pod_gone() {
  local found
  found="$(kubectl -n "$1" get pod --field-selector "metadata.name=$2" -o name)" && [[ -z "$found" ]]
}

# container_pid NAMESPACE POD [CONTAINER]: the host pid of a running container's main process
# (the node is this host), read from the node's containerd.
container_pid() {
  local id pid
  [[ "$e2e_cluster" == local ]] || fail "container_pid needs the local node (MINITWIT_E2E_CLUSTER=$e2e_cluster)"
  id="$(kubectl -n "$1" get pod "$2" -o json | jq -r --arg c "${3:-}" \
    '[.status.containerStatuses[] | select($c == "" or .name == $c) | .containerID][0] // ""')"
  id="${id#containerd://}"
  [[ -n "$id" ]] || fail "pod $1/$2 has no running container${3:+ $3}"
  pid="$(ctr --address "$full_node_state/run/containerd.sock" -n k8s.io tasks ls 2>/dev/null |
    awk -v id="$id" '$1 == id && $3 == "RUNNING" {print $2}')"
  [[ -n "$pid" ]] || fail "containerd has no running task for $1/$2 (container $id)"
  echo "$pid"
}
