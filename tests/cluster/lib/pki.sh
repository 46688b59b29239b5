# shellcheck shell=bash
# Certificates and kubeconfigs of the local cluster, made with openssl (ECDSA P-256: fast to
# generate, accepted by every component). Sourced by tests/cluster/cluster.
#
# Needs: $pki (directory), $NODE_IP, $NODE_NAME, $SERVICE_IP (first IP of the service range).

# new_key FILE
new_key() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

# new_ca NAME CN: a self-signed CA, NAME.crt + NAME.key.
new_ca() {
  local name="$1" cn="$2"
  new_key "$pki/$name.key"
  openssl req -x509 -new -key "$pki/$name.key" -subj "/CN=$cn" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$pki/$name.crt" 2>/dev/null
}

# new_cert NAME CA SUBJECT USAGE [SAN]: a leaf certificate signed by CA.
#   USAGE: client | server | both;  SAN: e.g. "DNS:kubernetes,IP:10.96.0.1".
new_cert() {
  local name="$1" ca="$2" subject="$3" usage="$4" san="${5:-}" eku
  case "$usage" in
    client) eku="clientAuth" ;;
    server) eku="serverAuth" ;;
    both) eku="serverAuth,clientAuth" ;;
  esac
  new_key "$pki/$name.key"
  local ext="$pki/$name.ext"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    if [[ -n "$san" ]]; then echo "subjectAltName=$san"; fi
  } >"$ext"
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 -extfile "$ext" \
    -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$ext"
}

# write_kubeconfig FILE CERT_NAME SERVER: a kubeconfig with embedded client credentials.
write_kubeconfig() {
  local file="$1" cert="$2" server="$3"
  cat >"$file.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: minitwit-local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 <"$pki/ca.crt")
users:
- name: $cert
  user:
    client-certificate-data: $(base64 -w0 <"$pki/$cert.crt")
    client-key-data: $(base64 -w0 <"$pki/$cert.key")
contexts:
- name: minitwit-local
  context:
    cluster: minitwit-local
    user: $cert
current-context: minitwit-local
EOF
  chmod 600 "$file.tmp"
  mv "$file.tmp" "$file"
}

# ensure_pki KUBECONFIG_DIR: makes every certificate once; remade when the node address,
# node name or service range changes (they are baked into SANs and kubeconfigs).
ensure_pki() {
  local kubeconfigs="$1"
  local stamp="node_ip=$NODE_IP node_name=$NODE_NAME service_ip=$SERVICE_IP v=1"
  if [[ -f "$pki/.complete" && "$(cat "$pki/.complete")" == "$stamp" ]]; then return 0; fi
  log "making certificates in $pki"
  rm -rf "$pki" "$kubeconfigs"
  mkdir -p "$pki" "$kubeconfigs"
  chmod 700 "$pki"
  new_ca ca minitwit-local-ca
  new_ca front-proxy-ca minitwit-local-front-proxy-ca
  new_cert apiserver ca "/CN=kube-apiserver" server \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,DNS:$NODE_NAME,IP:$SERVICE_IP,IP:$NODE_IP,IP:127.0.0.1"
  new_cert apiserver-kubelet-client ca "/O=system:masters/CN=kube-apiserver-kubelet-client" client
  new_cert front-proxy-client front-proxy-ca "/CN=front-proxy-client" client
  new_cert admin ca "/O=system:masters/CN=kubernetes-admin" client
  new_cert controller-manager ca "/CN=system:kube-controller-manager" client
  new_cert scheduler ca "/CN=system:kube-scheduler" client
  new_cert kubelet ca "/O=system:nodes/CN=system:node:$NODE_NAME" client
  new_cert kubelet-serving ca "/CN=$NODE_NAME" server "DNS:$NODE_NAME,DNS:localhost,IP:$NODE_IP,IP:127.0.0.1"
  new_cert kube-proxy ca "/CN=system:kube-proxy" client
  new_cert metrics-server ca "/CN=metrics-server" server \
    "DNS:metrics-server,DNS:metrics-server.kube-system,DNS:metrics-server.kube-system.svc,IP:$NODE_IP"
  # Service-account tokens are signed with this key (ES256) and checked with its public half.
  new_key "$pki/sa.key"
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  local server="https://$NODE_IP:6443"
  write_kubeconfig "$kubeconfigs/admin.conf" admin "$server"
  write_kubeconfig "$kubeconfigs/controller-manager.conf" controller-manager "$server"
  write_kubeconfig "$kubeconfigs/scheduler.conf" scheduler "$server"
  write_kubeconfig "$kubeconfigs/kubelet.conf" kubelet "$server"
  write_kubeconfig "$kubeconfigs/kube-proxy.conf" kube-proxy "$server"
  echo "$stamp" >"$pki/.complete"
}
