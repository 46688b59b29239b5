#!/usr/bin/env bash
# The local cluster's volume provisioner (a host process, like kind's local-path
# provisioner): binds every pending claim of StorageClass "standard" to a new hostPath
# PersistentVolume in VOLUMES_DIR/pvc-<uid>, and deletes released volumes whose reclaim
# policy is Delete together with their directory. Polls every two seconds.
# Usage: volume-provisioner.sh KUBECTL KUBECONFIG VOLUMES_DIR
set -uo pipefail
kubectl_bin="$1" kubeconfig="$2" volumes="$3"
provisioner="minitwit.local/hostpath"
kubectl() { "$kubectl_bin" --kubeconfig "$kubeconfig" "$@"; }
log() { printf '%(%H:%M:%S)T %s\n' -1 "$*"; }
mkdir -p "$volumes"
log "provisioning StorageClass standard into $volumes"

provision() {
  local ns name uid size modes pv dir
  while IFS=$'\t' read -r ns name uid size modes; do
    [[ -n "$uid" ]] || continue
    pv="pvc-$uid" dir="$volumes/pvc-$uid"
    mkdir -p "$dir" && chmod 0777 "$dir"
    if kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $pv
  annotations: {pv.kubernetes.io/provisioned-by: $provisioner}
spec:
  storageClassName: standard
  capacity: {storage: "$size"}
  accessModes: [$modes]
  persistentVolumeReclaimPolicy: Delete
  claimRef: {namespace: "$ns", name: "$name", uid: "$uid"}
  hostPath: {path: "$dir", type: Directory}
EOF
    then
      log "provisioned $pv ($size) for $ns/$name"
    else
      log "failed to provision a volume for $ns/$name"
    fi
  done < <(kubectl get pvc -A -o json 2>/dev/null | jq -r '.items[]
    | select(.status.phase == "Pending" and (.spec.volumeName // "") == ""
             and .spec.storageClassName == "standard")
    | [.metadata.namespace, .metadata.name, .metadata.uid,
       (.spec.resources.requests.storage // "1Gi"), (.spec.accessModes // ["ReadWriteOnce"] | join(","))]
    | @tsv')
}

reclaim() {
  local pv
  while read -r pv; do
    [[ -n "$pv" ]] || continue
    if kubectl delete pv "$pv" --wait=false >/dev/null 2>&1; then
      rm -rf --one-file-system "${volumes:?}/$pv"
      log "deleted released $pv"
    fi
  done < <(kubectl get pv -o json 2>/dev/null | jq -r --arg p "$provisioner" '.items[]
    | select(.metadata.annotations["pv.kubernetes.io/provisioned-by"] == $p
             and .status.phase == "Released" and .spec.persistentVolumeReclaimPolicy == "Delete")
    | .metadata.name')
}

trap 'log "stopping"; exit 0' TERM INT
while true; do
  provision
  reclaim
  sleep 2 &
  wait $!
done
