#!/usr/bin/env bash
# The whole local cluster: `cluster up` from down; the locally built MiniTwit image and the
# local Postgres image (on a dynamically provisioned volume) run as pods; MiniTwit becomes Ready and answers from the host and, by
# its Service's DNS name, from another pod; `kubectl top pods` gives figures and an HPA
# sees CPU utilization; `down` leaves the host as it was.
# Usage: node_test.sh --minitwit PATH_TO_MINITWIT_BINARY
set -euo pipefail
test_name=node
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

minitwit_binary=""
while (($#)); do
  case "$1" in
    --minitwit) minitwit_binary="$2"; shift 2 ;;
    *) fail "usage: $0 --minitwit PATH" ;;
  esac
done
[[ -n "$minitwit_binary" ]] || fail "usage: $0 --minitwit PATH"
[[ -x "$minitwit_binary" ]] || fail "no minitwit binary at $minitwit_binary (cmake --build build-cluster --target minitwit)"

require_root
require_cluster_binaries kubernetes coredns metrics-server
unset MINITWIT_CLUSTER_STATE MINITWIT_CLUSTER_NODE_IP MINITWIT_CLUSTER_NODE_DEVICE
state=/var/lib/minitwit-cluster
node_ip=172.31.255.1

status=0; "$cluster" status >/dev/null 2>&1 || status=$?
[[ $status -eq 3 ]] || fail "the local cluster is running (status $status); this test starts from a down cluster: run tests/cluster/cluster down"

images="${MINITWIT_CLUSTER_TEST_IMAGES:-$repo_root/build-cluster/images}"
say "building images into $images"
"$repo_root/tests/images/minitwit/build.sh" --binary "$minitwit_binary" --out "$images/minitwit.tar"
"$repo_root/tests/images/postgres/build.sh" --out "$images/postgres.tar"
"$repo_root/tests/images/toolbox/build.sh" --out "$images/toolbox.tar"

# A cluster killed earlier (kill -9, a VM stopped mid-test) leaves its iptables rules,
# cgroups, mounts and links behind while `status` says down; `down` clears what it left,
# and that, not the leftovers, is the state `down` must restore.
if [[ -n "$(host_snapshot "$state")" ]]; then
  say "the host holds what a cluster killed earlier left behind; clearing it with down"
  "$cluster" down >&2
fi
before="$(host_snapshot "$state")"
cleanup() {
  local rc=$?
  if ((rc != 0)); then
    kubectl get pods -A -o wide >&2 2>/dev/null || true
    kubectl -n "${ns:-none}" describe pods >&2 2>/dev/null | tail -n 60 || true
    for log in "$state"/logs/*.log; do
      [[ -f "$log" ]] || continue
      echo "----- last lines of $log" >&2
      tail -n 10 "$log" >&2
    done
  fi
  "$cluster" down >&2 || rc=1
  exit "$rc"
}
trap cleanup EXIT

say "cluster up"
start=$SECONDS
"$cluster" up
up_seconds=$((SECONDS - start))
say "cluster up in ${up_seconds}s"
eval "$("$cluster" env)"
"$cluster" status >/dev/null || fail "status should exit 0 when the cluster is up"
pids_before="$(cat "$state"/run/*.pid | sort)"
start=$SECONDS
"$cluster" up
((SECONDS - start <= 3)) || fail "a second up took $((SECONDS - start))s; it should be a no-op"
[[ "$(cat "$state"/run/*.pid | sort)" == "$pids_before" ]] || fail "a second up restarted components"

start=$SECONDS
"$cluster" load-image "$images/minitwit.tar" "$images/postgres.tar" "$images/toolbox.tar" >/dev/null
say "images loaded in $((SECONDS - start))s"

ns="node-test"
say "deploying Postgres and MiniTwit in namespace $ns"
kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Namespace
metadata: {name: $ns}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: $ns}
stringData:
  password: "node-test-password"
  url: "postgresql://minitwit:node-test-password@postgres.$ns.svc.cluster.local:5432/minitwit"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: postgres, namespace: $ns}
spec:
  replicas: 1
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      containers:
      - name: postgres
        image: minitwit.local/postgres:15
        imagePullPolicy: Never
        env:
        - {name: POSTGRES_USER, value: minitwit}
        - {name: POSTGRES_DB, value: minitwit}
        - name: POSTGRES_PASSWORD
          valueFrom: {secretKeyRef: {name: db, key: password}}
        ports: [{containerPort: 5432}]
        readinessProbe:
          exec: {command: [pg_isready, -h, 127.0.0.1, -U, minitwit, -d, minitwit]}
          periodSeconds: 2
        volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
      volumes: [{name: data, persistentVolumeClaim: {claimName: postgres-data}}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: postgres-data, namespace: $ns}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: $ns}
spec:
  selector: {app: postgres}
  ports: [{port: 5432, targetPort: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: minitwit, namespace: $ns}
spec:
  replicas: 2
  selector: {matchLabels: {app: minitwit}}
  template:
    metadata: {labels: {app: minitwit}}
    spec:
      containers:
      - name: minitwit
        image: minitwit.local/minitwit:dev
        imagePullPolicy: Never
        env:
        - name: DATABASE_URL
          valueFrom: {secretKeyRef: {name: db, key: url}}
        - {name: PORT, value: "5000"}
        ports: [{containerPort: 5000, name: http}]
        readinessProbe:
          httpGet: {path: /readyz, port: http}
          periodSeconds: 2
        livenessProbe:
          httpGet: {path: /healthz, port: http}
          periodSeconds: 10
        resources:
          requests: {cpu: 100m, memory: 32Mi}
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: v1
kind: Service
metadata: {name: minitwit, namespace: $ns}
spec:
  type: NodePort
  selector: {app: minitwit}
  ports: [{name: http, port: 5000, targetPort: http, nodePort: 30080}]
EOF
start=$SECONDS
kubectl -n "$ns" rollout status deployment/postgres --timeout=180s >&2 || fail "Postgres did not become ready"
kubectl -n "$ns" rollout status deployment/minitwit --timeout=180s >&2 || fail "MiniTwit did not become ready"
ready="$(kubectl -n "$ns" get deployment minitwit -o jsonpath='{.status.readyReplicas}')"
[[ "$ready" == 2 ]] || fail "MiniTwit has $ready ready replicas, expected 2"
say "Postgres and MiniTwit (2 replicas) Ready in $((SECONDS - start))s"

[[ "$(kubectl -n "$ns" get pvc postgres-data -o jsonpath='{.status.phase}/{.spec.storageClassName}')" == Bound/standard ]] ||
  fail "the Postgres claim is not Bound to a volume of the default StorageClass standard"

say "Postgres runs as a non-root user"
pg_uid="$(kubectl -n "$ns" exec deploy/postgres -- cat /proc/1/status | awk '/^Uid:/ {print $2}')"
pg_cmd="$(kubectl -n "$ns" exec deploy/postgres -- cat /proc/1/cmdline | tr '\0' ' ')"
[[ "$pg_uid" == 999 && "$pg_cmd" == *postgres* ]] || fail "the container's main process is '$pg_cmd' as uid $pg_uid, expected postgres as 999"

say "MiniTwit answers from the host (ClusterIP and NodePort)"
cluster_ip="$(kubectl -n "$ns" get service minitwit -o jsonpath='{.spec.clusterIP}')"
# kube-proxy programs the Service from the ready endpoints a moment after the rollout ends
# (its iptables sync runs at most once a second): seconds, not a single try.
rolled_out=$SECONDS
eventually 30 "GET http://$cluster_ip:5000/readyz from the host" curl -sf --max-time 5 -o /dev/null "http://$cluster_ip:5000/readyz"
say "the ClusterIP answered $((SECONDS - rolled_out)) s after the rollout ended"
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' \
  -d '{"username":"nodetest","email":"nodetest@example.com","pwd":"secret"}' "http://$node_ip:30080/register?latest=4242")"
[[ "$code" == 204 ]] || fail "POST /register through the NodePort answered $code, expected 204"
latest="$(curl -sf --max-time 5 "http://$node_ip:30080/latest" | jq -r .latest)"
[[ "$latest" == 4242 ]] || fail "GET /latest answered $latest, expected 4242 (written to Postgres)"

say "MiniTwit answers by Service DNS name from another pod"
kubectl -n "$ns" run dns-client --image=minitwit.local/toolbox:1 --image-pull-policy=Never --restart=Never \
  --command -- sh -c "nslookup minitwit.$ns.svc.cluster.local && \
    printf 'GET /latest HTTP/1.0\r\nHost: minitwit\r\n\r\n' | nc -w 5 minitwit.$ns.svc.cluster.local 5000" >/dev/null
client_done() {
  local phase; phase="$(kubectl -n "$ns" get pod dns-client -o jsonpath='{.status.phase}')"
  [[ "$phase" == Succeeded || "$phase" == Failed ]]
}
eventually 60 "the DNS client pod to finish" client_done
client_log="$(kubectl -n "$ns" logs dns-client)"
[[ "$(kubectl -n "$ns" get pod dns-client -o jsonpath='{.status.phase}')" == Succeeded ]] ||
  fail "the DNS client pod failed: $client_log"
grep -q "Address:.*$cluster_ip" <<<"$client_log" || fail "minitwit.$ns.svc.cluster.local did not resolve to $cluster_ip: $client_log"
grep -q '^HTTP/1.[01] 200' <<<"$client_log" || fail "no HTTP 200 from minitwit by DNS name: $client_log"
grep -q '"latest": *4242' <<<"$client_log" || fail "unexpected /latest body by DNS name: $client_log"

say "kubectl top pods gives figures"
top_has_minitwit() { grep -qE '^minitwit-[^ ]+ +[0-9]+m +[0-9]+Mi' <<<"$(kubectl top pods -n "$ns" --no-headers 2>/dev/null)"; }
eventually 120 "kubectl top pods -n $ns to list minitwit" top_has_minitwit
kubectl top pods -n "$ns" >&2

say "an HPA sees CPU utilization"
kubectl -n "$ns" autoscale deployment minitwit --cpu=50% --min=2 --max=3 >/dev/null
hpa_has_cpu() {
  local u; u="$(kubectl -n "$ns" get hpa minitwit -o jsonpath='{.status.currentMetrics[0].resource.current.averageUtilization}' 2>/dev/null)"
  [[ "$u" =~ ^[0-9]+$ ]]
}
eventually 120 "the HPA to report a CPU utilization" hpa_has_cpu
kubectl -n "$ns" get hpa minitwit >&2

say "cluster down"
cluster_down_checked
assert_same_host_state "$before" "$(host_snapshot "$state")"
say "PASS (cluster up in ${up_seconds}s)"
