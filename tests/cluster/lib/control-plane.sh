# shellcheck shell=bash
# The local cluster's control plane: etcd, kube-apiserver (with its audit policy),
# kube-controller-manager and kube-scheduler. Sourced by tests/cluster/cluster.

start_etcd() {
  start etcd "$kube_bin/etcd" --name minitwit --data-dir "$state/etcd" \
    --listen-client-urls "http://$NODE_IP:$ETCD_PORT" --advertise-client-urls "http://$NODE_IP:$ETCD_PORT" \
    --listen-peer-urls "http://$NODE_IP:$((ETCD_PORT + 1))" \
    --initial-advertise-peer-urls "http://$NODE_IP:$((ETCD_PORT + 1))" \
    --initial-cluster "minitwit=http://$NODE_IP:$((ETCD_PORT + 1))" \
    --unsafe-no-fsync --snapshot-count 10000 --log-level warn
  wait_for "etcd health" 30 etcd curl -sf --max-time 2 "http://$NODE_IP:$ETCD_PORT/health"
}

# The audit log records who changed what, when (mutating requests only, metadata level):
# failure tests count the writes of a deposed operator leader from it.
write_audit_policy() {
  mkdir -p "$conf"
  cat >"$conf/audit-policy.yaml" <<EOF
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: Metadata
  verbs: [create, update, patch, delete, deletecollection]
- level: None
EOF
}

start_apiserver() {
  write_audit_policy
  start kube-apiserver "$kube_bin/kube-apiserver" \
    --advertise-address "$NODE_IP" --bind-address "$NODE_IP" --secure-port 6443 \
    --etcd-servers "http://$NODE_IP:$ETCD_PORT" \
    --service-cluster-ip-range "$SERVICE_CIDR" --service-node-port-range 30000-32767 \
    --allow-privileged=true --authorization-mode Node,RBAC \
    --enable-admission-plugins NodeRestriction \
    --client-ca-file "$pki/ca.crt" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$pki/ca.crt" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --requestheader-client-ca-file "$pki/front-proxy-ca.crt" \
    --requestheader-allowed-names front-proxy-client \
    --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
    --requestheader-extra-headers-prefix X-Remote-Extra- \
    --proxy-client-cert-file "$pki/front-proxy-client.crt" \
    --proxy-client-key-file "$pki/front-proxy-client.key" \
    --enable-aggregator-routing=true \
    --audit-policy-file "$conf/audit-policy.yaml" --audit-log-path "$logs/audit.log" \
    --audit-log-maxsize 100 --audit-log-maxbackup 1 \
    --profiling=false --v=1
  wait_for "kube-apiserver /readyz" 90 kube-apiserver https_ok "https://$NODE_IP:6443/readyz"
}

start_controller_manager() {
  local kc="$kubeconfigs/controller-manager.conf"
  mkdir -p "$state/controller-manager"
  start kube-controller-manager "$kube_bin/kube-controller-manager" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address "$NODE_IP" --secure-port 11257 --cert-dir "$state/controller-manager" \
    --leader-elect=false --use-service-account-credentials=true \
    --controllers '*' \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --cluster-name minitwit-local --service-cluster-ip-range "$SERVICE_CIDR" \
    --allocate-node-cidrs=false \
    --horizontal-pod-autoscaler-sync-period 10s \
    --profiling=false --v=1
  wait_for "kube-controller-manager /healthz" 60 kube-controller-manager https_ok_insecure "https://$NODE_IP:11257/healthz"
}

start_scheduler() {
  local kc="$kubeconfigs/scheduler.conf"
  start kube-scheduler "$kube_bin/kube-scheduler" \
    --kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc" \
    --bind-address "$NODE_IP" --secure-port 11259 --leader-elect=false --profiling=false --v=1
  wait_for "kube-scheduler /healthz" 60 kube-scheduler https_ok_insecure "https://$NODE_IP:11259/healthz"
}
