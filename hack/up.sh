#!/usr/bin/env bash
# The README's first command: sets up everything and runs the main job.
#   hack/up.sh        install dependencies, build (Release) the app, the operator and the
#                     simulator, start a local Kubernetes, build and load the images,
#                     helm-install the operator, apply examples/minitwit-incluster-db.yaml, wait
#                     until the MiniTwit is Ready, replay a slice of the course simulator
#                     against it and print its URL.
#   hack/up.sh down   stop everything `up` started (either kind of cluster).
# Which Kubernetes (MINITWIT_CLUSTER):
#   auto (default)    kind when `kind` is on PATH and a Docker engine answers, else local
#   kind              a kind cluster from kind-config.yaml (tests/kind/cluster.sh): kind's
#                     published node image when the registry answers, else the offline one
#                     built here (tests/kind/build.sh); MINITWIT_KIND_IMAGE picks one; starts
#                     Debian's dockerd (tests/kind/engine.sh) when no engine answers
#   local             the project's own Docker-free cluster (tests/cluster), built from source
# Idempotent: running it again rebuilds what changed and upgrades in place.
# Environment: MINITWIT_CLUSTER, MINITWIT_BUILD_DIR (default build-release), SIM_LIMIT (default 500).
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
kind_cluster="$root/tests/kind/cluster.sh"
export MINITWIT_KIND_NAME="$kind_name"

down() {
  local mode; mode="$(head -1 "$mode_file" 2>/dev/null || echo local)"
  if [[ "$mode" == kind ]]; then
    say "deleting the kind cluster $kind_name"
    "$kind_cluster" down
    if grep -qx engine-started "$mode_file"; then
      say "stopping the Docker engine up started"
      tests/kind/engine.sh stop
    fi
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

case "${MINITWIT_CLUSTER:-auto}" in
  auto) if have_kind; then mode=kind; else mode=local; fi ;;
  kind | local) mode="$MINITWIT_CLUSTER" ;;
  *) die "MINITWIT_CLUSTER=$MINITWIT_CLUSTER: want auto, kind or local" ;;
esac
if [[ "$mode" == kind ]]; then
  engine_started="$(grep -sx engine-started "$mode_file" || true)"  # kept across re-runs
  if ! timeout 10 docker info >/dev/null 2>&1; then
    say "starting a Docker engine (tests/kind/engine.sh)"
    tests/kind/engine.sh start
    engine_started=engine-started
  fi
  say "starting kind cluster '$kind_name' (kind-config.yaml; the first run here may build the node image)"
  printf 'kind\n%s\n' "$engine_started" >"$mode_file"
  eval "$("$kind_cluster" env)"
  if ! grep -qx "$kind_name" <<<"$(kind get clusters 2>/dev/null)"; then
    "$kind_cluster" up
  else
    info "already running"
  fi
  say "loading the images into kind (kind load image-archive)"
  "$kind_cluster" load "$images/minitwit.tar" "$images/postgres.tar" "$images/minitwit-operator.tar"
  url="http://localhost:8080"
else
  mode=local
  say "starting the local cluster (tests/cluster/cluster up; the first run builds Kubernetes from source)"
  info "no kind + docker here (or MINITWIT_CLUSTER=local); using the project's own Docker-free cluster"
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
# The API server serves a changed CRD's schema a moment after the update: a field it adds
# can be refused as unknown for that moment, so retry briefly.
for attempt in {1..15}; do
  kubectl apply -f examples/minitwit-incluster-db.yaml && break
  ((attempt < 15)) || die "cannot apply examples/minitwit-incluster-db.yaml (see the error above)"
  sleep 2
done
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
if [[ "$mode" == local ]]; then
  echo "  kubectl environment        eval \"\$(tests/cluster/cluster env)\"" >&2
else
  echo "  kubectl environment        eval \"\$(tests/kind/cluster.sh env)\"" >&2
fi
echo "  stop everything            hack/up.sh down" >&2
