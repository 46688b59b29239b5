# shellcheck shell=bash
# The local cluster's node: the pause image, the configuration of containerd, the kubelet,
# kube-proxy, CoreDNS and metrics-server, their start, and the add-ons applied once the API
# server answers. Sourced by tests/cluster/cluster.

# The sandbox ("pause") image: the project's own static program, rebuilt when its source changes.
pause_image_tarball() {
  local src="$here/pause/pause.cpp" sum out
  sum="$(cat "$src" "$repo_root/tests/images/build-image.sh" | sha256sum | cut -c1-16)"
  out="$cache/images/pause-$sum.tar"
  if [[ ! -f "$out" ]]; then
    mkdir -p "$cache/images"
    local tmp; tmp="$(mktemp -d)"
    g++ -static -O2 -Wall -Wextra -o "$tmp/pause" "$src"
    strip "$tmp/pause"
    "$repo_root/tests/images/build-image.sh" --tag "$PAUSE_IMAGE" --out "$out" \
      --binary "$tmp/pause:/pause" --entrypoint '["/pause"]' 2>/dev/null
    rm -rf "$tmp"
  fi
  echo "$out"
}

write_node_configs() {
  mkdir -p "$conf" "$state/cni/net.d" "$state/cni/ipam" "$state/containerd" "$state/kubelet"
  cat >"$conf/containerd.toml" <<EOF
# The cluster's own containerd: own root, state and socket, so it never meets a system one.
version = 2
root = "$state/containerd/root"
state = "$state/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$containerd_sock"

[ttrpc]
  address = "$containerd_sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  netns_mounts_under_state_dir = true
  # This host withholds CAP_SYS_RESOURCE even from root, so no process may lower its
  # oom_score_adj: clamp the kubelet's values (-998 for sandboxes) to containerd's own.
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "$(command -v runc)"
        Root = "$state/containerd/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$state/cni/net.d"
EOF
  cat >"$state/cni/net.d/10-minitwit.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "minitwit",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$state/cni/ipam",
        "ranges": [[{"subnet": "$POD_SUBNET"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF
  cat >"$conf/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: $NODE_IP
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization:
  mode: Webhook
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
oomScoreAdj: 0
containerRuntimeEndpoint: unix://$containerd_sock
imageServiceEndpoint: unix://$containerd_sock
clusterDNS: [$DNS_IP]
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
# Images cannot be pulled again here, so never garbage-collect them; evict only when
# the disk is really full.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
  nodefs.inodesFree: 2%
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
maxPods: 110
EOF
  cat >"$conf/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $kubeconfigs/kube-proxy.conf
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $CLUSTER_CIDR
bindAddress: $NODE_IP
healthzBindAddress: $NODE_IP:10256
metricsBindAddress: $NODE_IP:10249
oomScoreAdj: 0
nodePortAddresses: ["$NODE_IP/32"]
# Leave the host's conntrack sysctls alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  syncPeriod: 30s
  minSyncPeriod: 1s
EOF
  cat >"$conf/Corefile" <<EOF
.:53 {
    bind $NODE_IP
    errors
    health $NODE_IP:21880
    ready $NODE_IP:21881
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $kubeconfigs/admin.conf minitwit-local
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 5
    }
    forward . /etc/resolv.conf
    cache 5
}
EOF
}

start_containerd() {
  start containerd "$(command -v containerd)" --config "$conf/containerd.toml"
  wait_for "containerd socket" 30 containerd ctr --address "$containerd_sock" version
  local tarball; tarball="$(pause_image_tarball)"
  ctr_k8s images import --platform linux/amd64 "$tarball" >/dev/null
}

start_kubelet() {
  start kubelet "$kube_bin/kubelet" --config "$conf/kubelet.yaml" \
    --kubeconfig "$kubeconfigs/kubelet.conf" --root-dir "$state/kubelet" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1
  wait_for "kubelet /healthz" 60 kubelet curl -sf --max-time 2 http://$NODE_IP:10248/healthz
}

start_kube_proxy() {
  start kube-proxy "$kube_bin/kube-proxy" --config "$conf/kube-proxy.yaml" --v=1
  wait_for "kube-proxy /healthz" 60 kube-proxy curl -s --max-time 2 -o /dev/null http://$NODE_IP:10256/healthz
}

start_coredns() {
  start coredns "$coredns_bin/coredns" -conf "$conf/Corefile"
  wait_for "CoreDNS /ready" 60 coredns curl -sf --max-time 2 http://$NODE_IP:21881/ready
}

start_metrics_server() {
  local kc="$kubeconfigs/admin.conf"
  start metrics-server "$metrics_server_bin/metrics-server" \
    --bind-address "$NODE_IP" --secure-port 4443 \
    --tls-cert-file "$pki/metrics-server.crt" --tls-private-key-file "$pki/metrics-server.key" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --kubelet-preferred-address-types InternalIP --kubelet-certificate-authority "$pki/ca.crt" \
    --metric-resolution 15s --v=1
  wait_for "metrics-server /readyz" 60 metrics-server https_ok_insecure "https://$NODE_IP:4443/livez"
}

# PersistentVolumeClaims of the default StorageClass "standard" get hostPath volumes under
# the state directory (deleted by down).
start_volume_provisioner() {
  start volume-provisioner /bin/bash "$here/lib/volume-provisioner.sh" \
    "$kube_bin/kubectl" "$kubeconfigs/admin.conf" "$state/volumes"
}

# Host-process add-ons become cluster services through selector-less Services whose
# Endpoints point at the node address (mirrored to EndpointSlices by the controller-manager).
apply_addons() {
  # v1 Endpoints are deprecated but served; the controller-manager mirrors them to EndpointSlices.
  kubectl apply -f - 2> >(grep -v 'v1 Endpoints is deprecated' >&2) >/dev/null <<EOF
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns, kubernetes.io/name: CoreDNS}
spec:
  clusterIP: $DNS_IP
  ports:
  - {name: dns, port: 53, protocol: UDP, targetPort: 53}
  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
---
apiVersion: v1
kind: Endpoints
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {k8s-app: kube-dns}
subsets:
- addresses: [{ip: $NODE_IP}]
  ports:
  - {name: dns, port: 53, protocol: UDP}
  - {name: dns-tcp, port: 53, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {k8s-app: metrics-server}
spec:
  ports:
  - {name: https, port: 443, protocol: TCP, targetPort: 4443}
---
apiVersion: v1
kind: Endpoints
metadata:
  name: metrics-server
  namespace: kube-system
  labels: {k8s-app: metrics-server}
subsets:
- addresses: [{ip: $NODE_IP}]
  ports:
  - {name: https, port: 4443, protocol: TCP}
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: v1beta1.metrics.k8s.io
  labels: {k8s-app: metrics-server}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  service: {name: metrics-server, namespace: kube-system, port: 443}
  caBundle: $(base64 -w0 <"$pki/ca.crt")
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: minitwit.local/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
EOF
}

node_ready() {
  [[ "$(kubectl get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}
metrics_api_available() {
  [[ "$(kubectl get apiservice v1beta1.metrics.k8s.io -o jsonpath='{.status.conditions[?(@.type=="Available")].status}' 2>/dev/null)" == True ]]
}
