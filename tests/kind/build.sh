#!/usr/bin/env bash
# Builds kind and the offline kind node image, without any container registry.
#   tests/kind/build.sh           build what is missing; prints the node image's tag on stdout
# Components come from the Go module proxy through tests/cluster/build.sh (kind, kubeadm,
# kube-router, local-path-provisioner, crictl next to the from-source cluster's Kubernetes, etcd,
# CoreDNS, metrics-server), cached by version in ${MINITWIT_CLUSTER_CACHE:-~/.cache/minitwit-cluster}.
# The node image `minitwit.local/kind-node:<k8s version>-<hash of inputs>` is saved there too
# (kind-node-*.tar), so a warm run only `docker load`s it when the engine lacks it.
# Layout (what `kind create cluster` expects, see docs/kind.md): a Debian bookworm rootfs
# (mmdebstrap: systemd, Debian's containerd 1.6 and runc, CNI plugins, iptables, ipset...)
# with kind's base-image files from the kind module, kubeadm/kubelet/kubectl in /usr/bin,
# /kind/version, /kind/manifests/default-{cni,storage}.yaml, and every image cluster
# creation needs already in the node's containerd (namespace k8s.io).
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
# shellcheck source=../cluster/versions.env
source "$repo_root/tests/cluster/versions.env"
cache="${MINITWIT_CLUSTER_CACHE:-$HOME/.cache/minitwit-cluster}"
export PATH="/usr/local/go/bin:$PATH" GOTOOLCHAIN=local
log() { printf '[kind-build %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
trap 'log "error: failed at line $LINENO: $BASH_COMMAND"' ERR
start=$SECONDS

for tool in docker mmdebstrap jq g++; do
  command -v "$tool" >/dev/null || die "$tool is required (apt-get install docker.io mmdebstrap jq g++)"
done
docker info >/dev/null 2>&1 || die "no Docker engine answers (tests/kind/engine.sh start)"

# One node image build at a time (hack/test.sh builds it in the background while tests run):
# a second caller waits, then finds the image present.
mkdir -p "$cache"
exec {build_lock}>"$cache/.kind-node.lock"
if ! flock -n "$build_lock"; then
  log "another build of the node image is running; waiting for it"
  flock "$build_lock"
fi

"$repo_root/tests/cluster/build.sh" kubernetes coredns metrics-server kind kubeadm kube-router local-path-provisioner crictl
kube_bin="$cache/kubernetes-$KUBERNETES_VERSION-etcd$ETCD_VERSION/bin"
kubeadm="$cache/kubeadm-$KUBERNETES_VERSION/bin/kubeadm"
kind_files="$(go env GOMODCACHE)/sigs.k8s.io/kind@$KIND_VERSION/images/base/files"
[[ -d $kind_files ]] || (cd /tmp && go mod download "sigs.k8s.io/kind@$KIND_VERSION")
[[ -d $kind_files ]] || die "kind's base-image files missing: $kind_files"

# The images' tags are the ones kubeadm asks for (with Debian's packages and this
# project's builds of the same components behind them).
mapfile -t wanted < <("$kubeadm" config images list --kubernetes-version "$KUBERNETES_VERSION" 2>/dev/null)
image_for() {
  local image; image="$(printf '%s\n' "${wanted[@]}" | grep "/$1:" | sed -n 1p)"
  [[ -n "$image" ]] || die "kubeadm lists no $1 image"
  echo "$image"
}
pause_image="$(image_for pause)"
kube_router_image="minitwit.local/kube-router:$KUBE_ROUTER_VERSION"
provisioner_image="minitwit.local/local-path-provisioner:$LOCAL_PATH_PROVISIONER_VERSION"
helper_image="minitwit.local/kind-nettools:bookworm"
metrics_server_image="minitwit.local/metrics-server:$METRICS_SERVER_VERSION"

# Everything the image is made from; a change gives a new tag.
hash="$({
  cat "$repo_root/tests/cluster/versions.env" "$0" "$here"/node/*.sh "$here"/node/iptables-wrapper "$here"/node/manifests/* "$here/runc-wrapper" \
    "$repo_root/tests/cluster/pause/pause.cpp" "$repo_root/tests/images/build-image.sh"
  (cd "$kind_files" && find . -type f | sort | xargs cat)
} | sha256sum | cut -c1-12)"
image="minitwit.local/kind-node:$KUBERNETES_VERSION-$hash"
tarball="$cache/kind-node-$KUBERNETES_VERSION-$hash.tar"

if docker image inspect "$image" >/dev/null 2>&1; then
  log "node image $image: present ($((SECONDS - start)) s)"
  echo "$image"; exit 0
fi
if [[ -f $tarball ]]; then
  log "node image $image: loading $tarball"
  docker load -i "$tarball" >/dev/null
  log "node image loaded ($((SECONDS - start)) s)"
  echo "$image"; exit 0
fi

work="$(mktemp -d)"
cid=""
cleanup() {
  [[ -n $cid ]] && docker rm -f -v "$cid" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/images"
mirror="${MINITWIT_DEBIAN_MIRROR:-}"

# 1. The node's rootfs, in the background while the images are made (mostly downloads).
log "node rootfs: mmdebstrap (systemd, containerd, runc, CNI plugins, iptables...)"
mkdir -p "$work/manifests"
sed "s|@KUBE_ROUTER_IMAGE@|$kube_router_image|g" "$here/node/manifests/default-cni.yaml" >"$work/manifests/default-cni.yaml"
sed -e "s|@PROVISIONER_IMAGE@|$provisioner_image|g" -e "s|@HELPER_IMAGE@|$helper_image|g" \
  "$here/node/manifests/default-storage.yaml" >"$work/manifests/default-storage.yaml"
base="minitwit.local/kind-node-base:$hash"
KIND_FILES="$kind_files" KUBE_BIN="$kube_bin" KUBEADM="$kubeadm" CRICTL="$cache/crictl-$CRICTL_VERSION/bin/crictl" KUBE_VERSION="$KUBERNETES_VERSION" \
  MANIFESTS="$work/manifests" RUNC_WRAPPER="$here/runc-wrapper" SANDBOX_IMAGE="$pause_image" \
  mmdebstrap --quiet --variant=minbase \
  --include=systemd,systemd-sysv,containerd,runc,containernetworking-plugins,conntrack,iptables,ipset,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,jq,procps \
  --customize-hook="$here/node/customize.sh \"\$1\"" \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc "$1"/usr/share/man' \
  bookworm - $mirror 2>"$work/rootfs.log" | docker import - "$base" >/dev/null &
rootfs_job=$!

# 2. A small Debian image with the packet-filter tools: kube-proxy, kube-router and
#    local-path-provisioner's helper pods (which need a shell) share it; socat serves the
#    kind end-to-end test's TCP checks.
log "nettools image (kube-proxy, kube-router, storage helper): mmdebstrap"
nettools="minitwit.local/kind-nettools:$hash"
mmdebstrap --quiet --variant=minbase --include=iptables,ipset,iproute2,conntrack,kmod,socat \
  --customize-hook="copy-in $kube_bin/kube-proxy $cache/kube-router-$KUBE_ROUTER_VERSION/bin/kube-router /usr/local/bin" \
  --customize-hook="copy-in $here/node/iptables-wrapper /usr/sbin" \
  --customize-hook='for t in iptables ip6tables; do chroot "$1" update-alternatives --quiet --install /usr/sbin/$t $t /usr/sbin/iptables-wrapper 200 --slave /usr/sbin/$t-restore $t-restore /usr/sbin/iptables-wrapper --slave /usr/sbin/$t-save $t-save /usr/sbin/iptables-wrapper; done' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc "$1"/usr/share/man' \
  bookworm - $mirror | docker import - "$nettools" >/dev/null
kube_proxy_image="$(image_for kube-proxy)"
for t in "$kube_proxy_image" "$kube_router_image" "$helper_image"; do docker tag "$nettools" "$t"; done
docker save "$kube_proxy_image" "$kube_router_image" "$helper_image" -o "$work/images/nettools.tar"
docker rmi "$kube_proxy_image" "$kube_router_image" "$helper_image" "$nettools" >/dev/null

# 3. Static binaries as one-layer images (tests/images/build-image.sh, no engine needed).
log "component images: control plane, etcd, CoreDNS, pause, local-path-provisioner, metrics-server"
bi="$repo_root/tests/images/build-image.sh"
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  "$bi" --tag "$(image_for "$c")" --out "$work/images/$c.tar" --binary "$kube_bin/$c:/usr/local/bin/$c" &
done
"$bi" --tag "$(image_for etcd)" --out "$work/images/etcd.tar" --binary "$kube_bin/etcd:/usr/local/bin/etcd" &
"$bi" --tag "$(image_for coredns)" --out "$work/images/coredns.tar" \
  --binary "$cache/coredns-$COREDNS_VERSION/bin/coredns:/coredns" --entrypoint '["/coredns"]' &
"$bi" --tag "$provisioner_image" --out "$work/images/local-path-provisioner.tar" \
  --binary "$cache/local-path-provisioner-$LOCAL_PATH_PROVISIONER_VERSION/bin/local-path-provisioner:/usr/local/bin/local-path-provisioner" &
"$bi" --tag "$metrics_server_image" --out "$work/images/metrics-server.tar" \
  --binary "$cache/metrics-server-$METRICS_SERVER_VERSION/bin/metrics-server:/metrics-server" --entrypoint '["/metrics-server"]' &
g++ -static -O2 -o "$work/pause" "$repo_root/tests/cluster/pause/pause.cpp" && strip "$work/pause"
"$bi" --tag "$pause_image" --out "$work/images/pause.tar" --binary "$work/pause:/pause" --entrypoint '["/pause"]' &
for job in $(jobs -p); do
  [[ $job == "$rootfs_job" ]] && continue
  wait "$job" || die "an image build failed"
done
wait "$rootfs_job" || { cat "$work/rootfs.log" >&2; die "the node rootfs failed"; }
docker image inspect "$base" >/dev/null 2>&1 || { cat "$work/rootfs.log" >&2; die "the node rootfs failed"; }

# 4. Pre-import every image into the node's containerd, as `kind build node-image` does.
log "importing $(ls "$work/images" | wc -l) image archives into the node's containerd"
cid="$(docker run -d --privileged --entrypoint sleep "$base" infinity)"
docker exec "$cid" bash -c 'nohup containerd >/dev/null 2>&1 &'
docker exec "$cid" bash -c 'for i in $(seq 1 30); do [ -S /run/containerd/containerd.sock ] && ctr version >/dev/null 2>&1 && exit 0; sleep 0.5; done; exit 1' ||
  die "containerd did not start in the build container"
for tar in "$work"/images/*.tar; do
  docker exec -i "$cid" ctr --namespace=k8s.io images import --label=io.cri-containerd.pinned=pinned \
    --all-platforms --no-unpack --digests - <"$tar" >/dev/null || die "import of $(basename "$tar") failed"
done
docker exec "$cid" ctr --namespace=k8s.io images list -q | grep -v '^sha256:' | sed 's/^/  /' >&2
docker exec "$cid" pkill containerd
# (sleep, PID 1 here, reaps nothing: a zombie containerd counts as stopped)
docker exec "$cid" bash -c 'for i in $(seq 1 20); do [[ -z $(ps -C containerd -o stat= | grep "^[^Z]") ]] && exit 0; sleep 0.5; done; exit 1' ||
  die "containerd did not stop in the build container"
docker commit \
  --change 'ENTRYPOINT [ "/usr/local/bin/entrypoint", "/sbin/init" ]' \
  --change 'ENV container=docker' \
  "$cid" "$image" >/dev/null
docker rm -f -v "$cid" >/dev/null; cid=""
docker rmi "$base" >/dev/null

log "saving $image to $tarball"
docker save "$image" -o "$tarball.tmp" && mv "$tarball.tmp" "$tarball"
# Older node images (other inputs) go: 1.4 GB each. One still used by a cluster stays in the engine.
for old in "$cache"/kind-node-*.tar "$cache"/kind-node-*.tar.tmp; do
  [[ -e $old && $old != "$tarball" ]] && rm -f "$old"
done
docker images minitwit.local/kind-node --format '{{.Repository}}:{{.Tag}}' | grep -vxF "$image" |
  xargs -r docker rmi >/dev/null 2>&1 || true
log "node image $image built in $((SECONDS - start)) s"
echo "$image"
