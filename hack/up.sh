#!/usr/bin/env bash
# The README's first command: sets up everything and runs the main job.
#   hack/up.sh        install dependencies, build (Release) the app, the operator and the
#                     simulator, start a local Kubernetes (kind with kind-config.yaml when kind
#                     and a working Docker exist, else the project's own tests/cluster), build
#                     and load the images, helm-install the operator, apply
#                     examples/minitwit-incluster-db.yaml, wait until the MiniTwit is Ready,
#                     replay a slice of the course simulator against it and print its URL.
#   hack/up.sh down   stop everything `up` started.
# Idempotent: running it again rebuilds what changed and upgrades in place.
# Environment: MINITWIT_BUILD_DIR (default build-release), SIM_LIMIT (default 500).
set -Eeuo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

build="${MINITWIT_BUILD_DIR:-$root/build-release}"
images="$build/images"
mode_file="$build/.up-mode"
kind_name=minitwit
operator_ns=minitwit-system
app_ns=minitwit
app_name=dev
node_port=30080
sim_limit="${SIM_LIMIT:-500}"
cluster="$root/tests/cluster/cluster"

step=0
say() { printf '\n==> [%d] %s\n' "$((++step))" "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die() { printf '\nhack/up.sh: error: %s\n' "$*" >&2; exit 1; }
trap 'printf "\nhack/up.sh: failed at line %s: %s\n" "$LINENO" "$BASH_COMMAND" >&2' ERR

have_kind() { command -v kind >/dev/null && command -v docker >/dev/null && timeout 10 docker info >/dev/null 2>&1; }

down() {
  local mode; mode="$(cat "$mode_file" 2>/dev/null || echo local)"
  if [[ "$mode" == kind ]]; then
    say "deleting the kind cluster $kind_name"
    kind delete cluster --name "$kind_name"
  else
    say "stopping the local cluster (tests/cluster/cluster down)"
    "$cluster" down
  fi
  rm -f "$mode_file"
  info "down"
}

case "${1:-up}" in
  down) down; exit 0 ;;
  up) ;;
  *) echo "usage: hack/up.sh [up|down]" >&2; exit 2 ;;
esac

start=$SECONDS
say "installing dependencies (hack/install-deps.sh all)"
hack/install-deps.sh all

say "building minitwit, minitwit-operator, minitwit-sim (Release, $build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target minitwit minitwit-operator minitwit-sim -j "$(nproc)"
sim="$build/tests/bench/sim/minitwit-sim"
[[ -x "$sim" ]] || die "no minitwit-sim at $sim"

say "building the images (tests/images)"
mkdir -p "$images"
tests/images/minitwit/build.sh --binary "$build/app/minitwit" --out "$images/minitwit.tar" >&2
tests/images/postgres/build.sh --out "$images/postgres.tar" >&2
# The operator's tag carries its content so that `helm upgrade` rolls a rebuilt binary out.
operator_tag="dev-$(sha256sum "$build/operator/minitwit-operator" | cut -c1-12)"
tests/images/operator.sh --binary "$build/operator/minitwit-operator" --out "$images/minitwit-operator.tar" \
  --tag "minitwit.local/minitwit-operator:$operator_tag" >&2

if have_kind; then
  mode=kind
  say "starting kind cluster '$kind_name' (kind-config.yaml)"
  if ! kind get clusters 2>/dev/null | grep -qx "$kind_name"; then
    kind create cluster --config kind-config.yaml --name "$kind_name" --wait 180s
  else
    info "already running"
  fi
  echo kind >"$mode_file"
  kubectl config use-context "kind-$kind_name" >/dev/null
  say "loading the images into kind"
  for t in minitwit postgres minitwit-operator; do kind load image-archive "$images/$t.tar" --name "$kind_name"; done
  url="http://localhost:8080"
else
  mode=local
  say "starting the local cluster (tests/cluster/cluster up; the first run builds Kubernetes from source)"
  info "no kind + docker here; using the project's own Docker-free cluster"
  echo local >"$mode_file"
  MINITWIT_CLUSTER_BUILD=1 "$cluster" up
  eval "$("$cluster" env)"
  say "loading the images into the node's containerd"
  "$cluster" load-image "$images/minitwit.tar" "$images/postgres.tar" "$images/minitwit-operator.tar" >/dev/null
  url="http://${MINITWIT_CLUSTER_NODE_IP:-172.31.255.1}:$node_port"
fi
command -v helm >/dev/null || die "helm not found (tests/cluster/build.sh helm builds it into the cluster cache)"

say "installing the operator (helm upgrade --install minitwit-operator, namespace $operator_ns)"
helm upgrade --install minitwit-operator charts/minitwit-operator --namespace "$operator_ns" --create-namespace \
  --set image.tag="$operator_tag" --wait --timeout 5m
# helm never upgrades a CRD: apply the source of truth so a re-run brings schema changes.
kubectl apply --server-side --force-conflicts --field-manager minitwit-up -f crds/minitwits.minitwit.dev.yaml >/dev/null

say "applying examples/minitwit-incluster-db.yaml"
kubectl apply -f examples/minitwit-incluster-db.yaml
# The MiniTwit's Service is ClusterIP; publish its pods on a fixed NodePort for the host
# (kind maps it to localhost:8080, the local cluster serves it on the node address).
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: $app_name-nodeport
  namespace: $app_ns
  labels: {app.kubernetes.io/part-of: minitwit-up}
spec:
  type: NodePort
  selector: {app.kubernetes.io/name: minitwit, app.kubernetes.io/instance: $app_name, app.kubernetes.io/component: app}
  ports:
  - {name: http, port: 80, targetPort: 5000, nodePort: $node_port}
EOF

say "waiting for MiniTwit $app_ns/$app_name to be Ready (up to 5 min)"
deadline=$((SECONDS + 300))
until [[ "$(kubectl -n "$app_ns" get minitwit "$app_name" -o jsonpath='{.status.phase}' 2>/dev/null)" == Ready ]]; do
  if ((SECONDS >= deadline)); then
    kubectl -n "$app_ns" get minitwit,pods -o wide >&2 || true
    kubectl -n "$app_ns" get minitwit "$app_name" -o jsonpath='{range .status.conditions[*]}{.type}={.status} {.reason}: {.message}{"\n"}{end}' >&2 || true
    die "MiniTwit $app_ns/$app_name is not Ready after 5 minutes"
  fi
  sleep 2
done
kubectl -n "$app_ns" get minitwit "$app_name"
cluster_ip_url="http://$(kubectl -n "$app_ns" get service "$app_name" -o jsonpath='{.spec.clusterIP}')"
deadline=$((SECONDS + 60))
until curl -sf --max-time 2 "$url/latest" >/dev/null; do
  if ((SECONDS >= deadline)); then
    # The node port is the way in from the host; the Service's cluster IP also works on the
    # from-source cluster (the host is the node).
    [[ "$mode" == local ]] && curl -sf --max-time 2 "$cluster_ip_url/latest" >/dev/null \
      || die "$url/latest does not answer"
    info "$url does not answer; using the Service's cluster IP $cluster_ip_url"
    url="$cluster_ip_url"
    break
  fi
  sleep 1
done

say "replaying the first $sim_limit actions of the simulator scenario against $url"
scenario="$root/../shared/data/minitwit_scenario.csv"
if [[ -f "$scenario" ]]; then source_args=(--scenario "$scenario"); else source_args=(--generate 25922); fi
"$sim" --url "$url" "${source_args[@]}" --limit "$sim_limit" --timeout-ms 2000

cat >&2 <<EOF

MiniTwit is up ($mode cluster, $((SECONDS - start)) s):
  web UI and simulator API   $url
  MiniTwit resource          kubectl -n $app_ns get minitwit $app_name
  operator                   kubectl -n $operator_ns get pods
EOF
[[ "$mode" == local ]] && echo "  kubectl environment        eval \"\$(tests/cluster/cluster env)\"" >&2
echo "  stop everything            hack/up.sh down" >&2
