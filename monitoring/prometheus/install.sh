#!/usr/bin/env bash
# Installs Prometheus for MiniTwit on the cluster kubectl points at: the namespace
# `monitoring`, its ServiceAccount and read-only ClusterRole, the ConfigMaps prometheus-config
# (prometheus.yml) and prometheus-rules (every charts/minitwit-operator/files/rules/*.yaml),
# the Deployment and the NodePort Service (30090). Applying again updates the rules and
# reloads Prometheus when it runs. The image minitwit.local/prometheus:<tag> must be on the
# node (tests/images/prometheus.sh builds it).
# Usage: monitoring/prometheus/install.sh [--image REF] [--rules DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
image="" rules="$repo_root/charts/minitwit-operator/files/rules"
while (($#)); do
  case "$1" in
    --image) image="$2"; shift 2 ;;
    --rules) rules="$2"; shift 2 ;;
    *) echo "usage: $0 [--image REF] [--rules DIR]" >&2; exit 2 ;;
  esac
done
shopt -s nullglob
rule_files=("$rules"/*.yaml)
((${#rule_files[@]} > 0)) || { echo "install.sh: no rule file in $rules" >&2; exit 1; }

kubectl apply -f "$here/namespace.yaml" -f "$here/rbac.yaml"
configmap() {  # NAME FILE...
  local name="$1" args=() f; shift
  for f in "$@"; do args+=(--from-file="$f"); done
  kubectl -n monitoring create configmap "$name" "${args[@]}" --dry-run=client -o yaml | kubectl apply -f -
}
configmap prometheus-config "$here/prometheus.yml"
configmap prometheus-rules "${rule_files[@]}"
if [[ -n "$image" ]]; then
  sed "s|image: minitwit.local/prometheus:.*|image: $image|" "$here/deployment.yaml" | kubectl apply -f -
else
  kubectl apply -f "$here/deployment.yaml"
fi
kubectl apply -f "$here/service.yaml"
