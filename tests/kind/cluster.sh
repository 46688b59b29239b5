#!/usr/bin/env bash
# A kind cluster from the repo's kind-config.yaml (one control plane, two workers) with the
# offline node image tests/kind/build.sh makes: no registry is needed.
#
#   tests/kind/cluster.sh up              build what is missing, create the cluster (or reuse it), wait until
#                                         nodes are Ready and CoreDNS, storage (StorageClass
#                                         "standard") and metrics-server (`kubectl top`) work
#   tests/kind/cluster.sh down            delete the cluster
#   tests/kind/cluster.sh load TARBALL... `kind load image-archive` each docker-archive into every node
#   tests/kind/cluster.sh env             print `export KUBECONFIG=...` and `export PATH=...`
#                                         (kind, kubectl, helm); use: eval "$(tests/kind/cluster.sh env)"
#
# Environment (all optional):
#   MINITWIT_KIND_NAME       cluster name (default: kind-config.yaml's, "minitwit")
#   MINITWIT_KIND_HOST_PORT  host port for the app's NodePort 30080 (default: kind-config.yaml's, 8080)
#   MINITWIT_KIND_IMAGE      node image: "offline" (built here by tests/kind/build.sh),
#                            "published" (kind's own $KIND_NODE_IMAGE from its registry), or
#                            any image name; default: published when the registry answers,
#                            else offline
#   MINITWIT_CLUSTER_CACHE   component cache (default ~/.cache/minitwit-cluster)
# Needs a Docker engine (tests/kind/engine.sh start). Every step prints its time.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
# shellcheck source=../cluster/versions.env
source "$repo_root/tests/cluster/versions.env"
cache="${MINITWIT_CLUSTER_CACHE:-$HOME/.cache/minitwit-cluster}"
config="$repo_root/kind-config.yaml"
name="${MINITWIT_KIND_NAME:-$(sed -n 's/^name: *//p' "$config")}"
state="${XDG_STATE_HOME:-$HOME/.local/state}/minitwit"
kubeconfig="$state/kind-$name.kubeconfig"
kind_bin="$cache/kind-$KIND_VERSION/bin"
kube_bin="$cache/kubernetes-$KUBERNETES_VERSION-etcd$ETCD_VERSION/bin"
helm_bin="$cache/helm-$HELM_VERSION/bin"
export PATH="$kind_bin:$kube_bin:$helm_bin:$PATH"

log() { printf '[kind-cluster %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
diagnose_on_failure=0
timed() { # LABEL COMMAND...: runs COMMAND and logs how long it took
  local label="$1" t=$SECONDS; shift
  "$@" || { ((diagnose_on_failure)) && diagnose; die "$label failed"; }
  log "$label: $((SECONDS - t)) s"
}
kc() { kubectl --kubeconfig "$kubeconfig" "$@"; }
exists() { grep -qx "$name" <<<"$(kind get clusters 2>/dev/null)"; }

wait_until() { # SECONDS DESCRIPTION COMMAND...: polls COMMAND every 2 s
  local limit="$1" what="$2" t=$SECONDS; shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - t < limit)) || { log "$what: not within $limit s"; return 1; }
    sleep 2
  done
}

diagnose() {
  log "diagnostics:"
  kc get nodes -o wide >&2 || true
  kc get pods -A -o wide >&2 || true
  kc get events -A --sort-by=.lastTimestamp 2>/dev/null | tail -20 >&2 || true
  # The logs of every pod that is not Ready (its last run too, when it restarted).
  local pod
  for pod in $(kc get pods -A -o json 2>/dev/null | jq -r '.items[]
      | select(any(.status.conditions[]?; .type == "Ready" and .status != "True"))
      | "\(.metadata.namespace)/\(.metadata.name)"'); do
    log "logs of $pod (not Ready):"
    kc -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail 30 >&2 || true
    kc -n "${pod%%/*}" logs "${pod#*/}" --all-containers --tail 30 --previous >&2 2>/dev/null || true
  done
}

up() {
  local t0=$SECONDS image
  docker info >/dev/null 2>&1 || die "no Docker engine answers (tests/kind/engine.sh start)"
  local choice="${MINITWIT_KIND_IMAGE:-}" metrics_image
  if [[ -z $choice ]]; then
    if docker image inspect "$KIND_NODE_IMAGE" >/dev/null 2>&1 || timeout 300 docker pull -q "$KIND_NODE_IMAGE" >/dev/null 2>&1; then
      choice=published
    else
      choice=offline
      log "no registry answers for $KIND_NODE_IMAGE: using the offline node image built here"
    fi
  fi
  case "$choice" in
    offline)
      image="$("$here/build.sh")" || die "node image build failed"
      metrics_image="minitwit.local/metrics-server:$METRICS_SERVER_VERSION" ;;
    published | *)
      [[ $choice == published ]] && image="$KIND_NODE_IMAGE" || image="$choice"
      "$repo_root/tests/cluster/build.sh" kubernetes helm kind >&2
      metrics_image="registry.k8s.io/metrics-server/metrics-server:$METRICS_SERVER_VERSION" ;;
  esac
  log "node image $image ready: $((SECONDS - t0)) s"
  mkdir -p "$state"
  if exists; then
    log "kind cluster $name exists: checking it (down first for a fresh one)"
    kind get kubeconfig --name "$name" >"$kubeconfig"
  else
    local cfg; cfg="$(mktemp)"
    sed -e "s/^name: .*/name: $name/" \
      -e "s/hostPort: 8080/hostPort: ${MINITWIT_KIND_HOST_PORT:-8080}/" "$config" >"$cfg"
    timed "kind create cluster" kind create cluster --config "$cfg" --image "$image" \
      --kubeconfig "$kubeconfig" --wait 0s
    rm -f "$cfg"
  fi
  diagnose_on_failure=1
  timed "nodes Ready" kc wait --for=condition=Ready node --all --timeout=180s
  timed "CoreDNS" kc -n kube-system rollout status deployment/coredns --timeout=180s
  timed "storage" kc -n local-path-storage rollout status deployment/local-path-provisioner --timeout=120s
  sed "s|@METRICS_SERVER_IMAGE@|$metrics_image|" "$here/metrics-server.yaml" |
    kc apply -f - >/dev/null
  timed "metrics-server" kc -n kube-system rollout status deployment/metrics-server --timeout=180s
  kc apply -f "$here/metrics-server-apiservice.yaml" >/dev/null
  timed "metrics API" kc wait --for=condition=Available apiservice/v1beta1.metrics.k8s.io --timeout=90s
  timed "kubectl top nodes" wait_until 120 "kubectl top nodes" kc top nodes
  diagnose_on_failure=0
  log "cluster $name up in $((SECONDS - t0)) s; use: eval \"\$($0 env)\""
}

down() {
  local t=$SECONDS
  if exists; then kind delete cluster --name "$name" --kubeconfig "$kubeconfig"; fi
  rm -f "$kubeconfig"
  log "cluster $name down: $((SECONDS - t)) s"
}

load() {
  (($#)) || die "usage: $0 load TARBALL..."
  exists || die "no kind cluster $name (tests/kind/cluster.sh up)"
  local tar
  for tar in "$@"; do timed "load $(basename "$tar")" kind load image-archive "$tar" --name "$name"; done
}

env_cmd() {
  printf 'export KUBECONFIG=%q\n' "$kubeconfig"
  printf 'export PATH=%q:"$PATH"\n' "$kind_bin:$kube_bin:$helm_bin"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  load) shift; load "$@" ;;
  env) env_cmd ;;
  *) awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0" >&2; exit 2 ;;
esac
