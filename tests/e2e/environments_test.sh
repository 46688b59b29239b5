#!/usr/bin/env bash
# The course's two environments side by side on the full local node (examples/environments/):
#   environments  production (autoscaled, an "external managed" PostgreSQL named by a Secret,
#                 exposed by host with TLS) and staging (own namespace, own in-cluster
#                 PostgreSQL) both become Ready; each app answers with its own data (a user
#                 registered in staging is unknown to production; each database holds only its
#                 own users); each has its Ingress (host, TLS)
#   pod           spec.pod reaches production's pods: nodeSelector (matching the node), label,
#                 annotation, extra env
#   rotation      a rotated database password (ALTER ROLE + the Secret's new URI) rolls
#                 production's pods: all new pod names, the app answers with its data
#   httproute     expose.httpRoute where no Gateway API is served: Degraded, reason
#                 GatewayAPIMissing, the app still answers; back to the Ingress, Ready
#   unexpose      removing spec.expose deletes production's Ingress
#   isolation     deleting staging (its namespace) leaves production's pods, data and answers as
#                 they were
# The "external managed database" is a second PostgreSQL in the cluster (namespace managed-db,
# the project's postgres image, no operator involved): the MiniTwit sees only a Secret with a
# URI, exactly as with a cloud database.
# Usage: environments_test.sh --operator PATH --minitwit PATH [--images DIR]
set -Eeuo pipefail
test_name=environments
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/full_node.sh"
trap_errors

test_args "--operator PATH --minitwit PATH [--images DIR]" "$@"
require_root
require_tool jq "Debian package jq"
require_tool openssl "Debian package openssl (the TLS Secret)"

prod=minitwit-production stag=minitwit-staging
work="$(mktemp -d /tmp/minitwit-e2e-env.XXXXXX)"
images="${images:-$work/images}"
mkdir -p "$images"
full_node_claim
test_start="$(now_ms)"

cleanup() {
  local rc=$?
  trap - EXIT
  if ((rc != 0)) && command -v kubectl >/dev/null; then
    kubectl get minitwit -A -o yaml 2>/dev/null | grep -A40 '^  status:' | tail -n 80 >&2 || true
    local ns
    for ns in "$prod" "$stag" managed-db; do
      echo "--- logs in $ns" >&2
      kubectl -n "$ns" logs -l 'app.kubernetes.io/component in (app),app.kubernetes.io/instance=minitwit' --tail 15 >&2 2>/dev/null || true
      kubectl -n "$ns" logs deploy/postgres --tail 15 >&2 2>/dev/null || true
      kubectl -n "$ns" get events --sort-by=.lastTimestamp 2>/dev/null | tail -n 10 >&2 || true
    done
  fi
  full_node_release "$rc" || rc=$?
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}
trap cleanup EXIT

auth='Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh'
elapsed() { echo $((($(now_ms) - $1) / 1000)); }
phase() { kubectl -n "$1" get minitwit minitwit -o jsonpath='{.status.phase}'; }
service_url() { echo "http://$(kubectl -n "$1" get service minitwit -o jsonpath='{.spec.clusterIP}')"; }
register() {  # URL USER -> HTTP status; the body is left in $work/body
  curl -s -o "$work/body" -w '%{http_code}' --max-time 5 -X POST -H 'Content-Type: application/json' -H "$auth" \
    --data "{\"username\":\"$2\",\"email\":\"$2@example.com\",\"pwd\":\"x\"}" "$1/register?latest=1"
}
user_status() {  # URL USER -> HTTP status of GET /fllws/USER (200 known, 404 unknown)
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "$auth" "$1/fllws/$2"
}
app_pods() {  # NAMESPACE -> sorted names of the app's running pods
  kubectl -n "$1" get pods -l app.kubernetes.io/component=app,app.kubernetes.io/instance=minitwit -o json |
    jq -r '.items[] | select(.metadata.deletionTimestamp == null) | .metadata.name' | sort | tr '\n' ' '
}
pods_gone() {  # NAMESPACE "POD..." -> succeeds when none of the pods exists any more, terminating or not
  local pod
  for pod in $2; do pod_gone "$1" "$pod" || return 1; done
}
managed_psql() { kubectl -n managed-db exec deploy/postgres -- psql -U postgres -d minitwit -tAc "$1"; }

# --- cluster ------------------------------------------------------------------------------
say "building images"
full_node_images "$images" "$minitwit_bin" "$operator_bin"
full_node_up "$images"/*.tar
install_operator

# --- the "external managed" database --------------------------------------------------------
t="$(now_ms)"
password1="rot1-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
password2="rot2-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
kubectl apply -f - >&2 <<YAML
apiVersion: v1
kind: Namespace
metadata: {name: managed-db}
---
apiVersion: v1
kind: Secret
metadata: {name: postgres, namespace: managed-db}
stringData: {superuser: "super-$password1", app: "$password1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: postgres, namespace: managed-db}
spec:
  replicas: 1
  selector: {matchLabels: {app: managed-postgres}}
  template:
    metadata: {labels: {app: managed-postgres}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, fsGroup: 999}
      containers:
      - name: postgres
        image: minitwit.local/postgres:15
        imagePullPolicy: IfNotPresent
        env:
        - {name: POSTGRES_PASSWORD, valueFrom: {secretKeyRef: {name: postgres, key: superuser}}}
        - {name: POSTGRES_DB, value: minitwit}
        - {name: POSTGRES_APP_USER, value: minitwit}
        - {name: POSTGRES_APP_PASSWORD, valueFrom: {secretKeyRef: {name: postgres, key: app}}}
        - {name: PGDATA, value: /var/lib/postgresql/data/pgdata}
        ports: [{name: postgres, containerPort: 5432}]
        readinessProbe: {exec: {command: [pg_isready, -h, 127.0.0.1, -U, minitwit, -d, minitwit]}, periodSeconds: 2}
        volumeMounts:
        - {name: data, mountPath: /var/lib/postgresql/data}
        - {name: run, mountPath: /var/run/postgresql}
        - {name: tmp, mountPath: /tmp}
      volumes:
      - {name: data, emptyDir: {}}
      - {name: run, emptyDir: {}}
      - {name: tmp, emptyDir: {}}
---
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: managed-db}
spec:
  selector: {app: managed-postgres}
  ports: [{name: postgres, port: 5432, targetPort: postgres}]
YAML
db_host=postgres.managed-db.svc.cluster.local
uri() { echo "postgresql://minitwit:$1@$db_host:5432/minitwit?sslmode=disable"; }

# --- environments ---------------------------------------------------------------------------
say "kubectl apply -f examples/environments/production.yaml and staging.yaml"
t_apply="$(now_ms)"
kubectl apply -f "$repo_root/examples/environments/production.yaml" -f "$repo_root/examples/environments/staging.yaml" >&2
# The Secrets the production example asks for, after its namespace exists (the operator waits
# for them: the MiniTwit is Pending with SecretNotFound meanwhile).
kubectl -n "$prod" create secret generic managed-postgres --from-literal=uri="$(uri "$password1")" >&2
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=minitwit.example.com -keyout "$work/tls.key" \
  -out "$work/tls.crt" 2>/dev/null
kubectl -n "$prod" create secret tls minitwit-example-com-tls --cert "$work/tls.crt" --key "$work/tls.key" >&2
eventually 240 "production becomes Ready" holds '[[ "$(phase $prod)" == Ready ]]'
prod_ready_s="$(elapsed "$t_apply")"
eventually 240 "staging becomes Ready" holds '[[ "$(phase $stag)" == Ready ]]'
stag_ready_s="$(elapsed "$t_apply")"
kubectl -n "$prod" get hpa minitwit >/dev/null || fail "environments: production has no HorizontalPodAutoscaler"
kubectl -n "$stag" get statefulset minitwit-db >/dev/null || fail "environments: staging has no in-cluster database"
kubectl -n "$prod" get statefulset minitwit-db >/dev/null 2>&1 && fail "environments: production runs an in-cluster database"
prod_url="$(service_url "$prod")" stag_url="$(service_url "$stag")"
eventually 30 "production answers ($prod_url)" curl -sf --max-time 2 "$prod_url/latest"
eventually 30 "staging answers ($stag_url)" curl -sf --max-time 2 "$stag_url/latest"

[[ "$(register "$stag_url" staging-only)" == 204 ]] || fail "environments: register in staging failed"
[[ "$(register "$prod_url" production-only)" == 204 ]] || fail "environments: register in production failed"
[[ "$(user_status "$stag_url" staging-only)" == 200 ]] || fail "environments: staging does not know its own user"
[[ "$(user_status "$prod_url" staging-only)" == 404 ]] || fail "environments: production knows staging's user"
[[ "$(user_status "$stag_url" production-only)" == 404 ]] || fail "environments: staging knows production's user"
# Separate databases: each holds only its own users.
[[ "$(managed_psql "select string_agg(username, ',') from users")" == production-only ]] \
  || fail "environments: the managed database holds $(managed_psql "select string_agg(username, ',') from users")"
stag_users="$(kubectl -n "$stag" exec minitwit-db-0 -- psql -U postgres -d minitwit -tAc "select string_agg(username, ',') from users")"
[[ "$stag_users" == staging-only ]] || fail "environments: staging's database holds '$stag_users'"
# Each Ingress: host, TLS only where asked, to its own Service.
ingress="$(kubectl -n "$prod" get ingress minitwit -o json)"
jq -e '.spec.rules[0].host == "minitwit.example.com" and .spec.tls[0].secretName == "minitwit-example-com-tls"
       and .spec.tls[0].hosts == ["minitwit.example.com"] and .spec.rules[0].http.paths[0].backend.service.name == "minitwit"
       and .metadata.ownerReferences[0].kind == "MiniTwit"' <<<"$ingress" >/dev/null \
  || fail "environments: production Ingress $(jq -c .spec <<<"$ingress")"
kubectl -n "$stag" get ingress minitwit -o json | jq -e '.spec.rules[0].host == "staging.minitwit.example.com" and (.spec.tls == null)' \
  >/dev/null || fail "environments: staging Ingress is not staging.minitwit.example.com without TLS"
pass environments "production Ready ${prod_ready_s}s, staging ${stag_ready_s}s after apply; each answers only its own users; managed and in-cluster databases separate; Ingresses with host (TLS on production)"

# --- httpRoute without the Gateway API -----------------------------------------------------
# The cluster serves no Gateway API: staging switched to an HTTPRoute says so and keeps running;
# back on its Ingress it is Ready again.
degraded_reason() {
  kubectl -n "$1" get minitwit minitwit -o jsonpath='{.status.conditions[?(@.type=="Degraded")].reason}'
}
t="$(now_ms)"
kubectl -n "$stag" patch minitwit minitwit --type merge \
  -p '{"spec":{"expose":{"ingress":null,"httpRoute":{"parentRefs":[{"name":"public"}],"hostnames":["staging.minitwit.example.com"]}}}}' >&2
eventually 30 "staging is Degraded with reason GatewayAPIMissing" holds '[[ "$(degraded_reason $stag)" == GatewayAPIMissing ]]'
missing_s="$(elapsed "$t")"
kubectl -n "$stag" get ingress minitwit >/dev/null 2>&1 && fail "httproute: staging's Ingress outlived the switch to httpRoute"
[[ "$(user_status "$stag_url" staging-only)" == 200 ]] || fail "httproute: staging stopped answering"
kubectl -n "$stag" patch minitwit minitwit --type merge \
  -p '{"spec":{"expose":{"httpRoute":null,"ingress":{"host":"staging.minitwit.example.com"}}}}' >&2
eventually 60 "staging is Ready on its Ingress again" holds '[[ "$(phase $stag)" == Ready ]] && kubectl -n $stag get ingress minitwit'
pass httproute "without the Gateway API: Degraded/GatewayAPIMissing ${missing_s}s after the switch, app still answering; Ready again on the Ingress"

# --- pod settings ---------------------------------------------------------------------------
pods_json="$(kubectl -n "$prod" get pods -l app.kubernetes.io/component=app,app.kubernetes.io/instance=minitwit -o json)"
jq -e '(.items | length) >= 2 and all(.items[];
    .status.phase == "Running" and .spec.nodeSelector["kubernetes.io/os"] == "linux"
    and .metadata.labels.environment == "production" and .metadata.annotations["example.com/owner"] == "platform-team"
    and (.metadata.annotations["minitwit.dev/secrets-hash"] | length) == 32
    and ([.spec.containers[0].env[] | select(.name == "HTTP_THREADS" and .value == "4")] | length) == 1
    and (.spec.topologySpreadConstraints[0].labelSelector.matchLabels["app.kubernetes.io/instance"] == "minitwit"))' \
  <<<"$pods_json" >/dev/null || fail "pod: production pods lack spec.pod: $(jq -c '[.items[] | {n: .metadata.name, p: .status.phase, s: .spec.nodeSelector, l: .metadata.labels, a: .metadata.annotations}]' <<<"$pods_json")"
pass pod "production's $(jq '.items | length' <<<"$pods_json") pods run with the nodeSelector, label, annotation, extra env and spread constraint"

# --- rotation -------------------------------------------------------------------------------
before="$(app_pods "$prod")"
hash_before="$(kubectl -n "$prod" get deploy minitwit -o jsonpath='{.spec.template.metadata.annotations.minitwit\.dev/secrets-hash}')"
say "rotating the managed database password (pods before: $before)"
t="$(now_ms)"
managed_psql "alter role minitwit password '$password2'" >/dev/null
kubectl -n "$prod" create secret generic managed-postgres --from-literal=uri="$(uri "$password2")" \
  --dry-run=client -o yaml | kubectl apply -f - >&2
eventually 60 "the Deployment's secrets hash changes" \
  holds '[[ "$(kubectl -n $prod get deploy minitwit -o jsonpath="{.spec.template.metadata.annotations.minitwit\.dev/secrets-hash}")" != "$hash_before" ]]'
hash_s="$(elapsed "$t")"
kubectl -n "$prod" rollout status deployment/minitwit --timeout 180s >&2
eventually 60 "production is Ready on new pods" holds '[[ "$(phase $prod)" == Ready ]]'
after="$(app_pods "$prod")"
for pod in $before; do
  [[ " $after " != *" $pod "* ]] || fail "rotation: pod $pod survived the rotation (after: $after)"
done
rotation_s="$(elapsed "$t")"
# An old pod keeps serving through its preStop sleep while kube-proxy drops it, but it knows
# only the old password: a request that makes it open a new database connection fails. That
# window is the rotation's, not the app's (docs/crd.md: a lossless rotation uses a second role),
# so the writes below wait until every old pod is gone.
eventually 60 "production's old pods are gone" holds 'pods_gone "$prod" "$before"'
gone_s="$(elapsed "$t")"
[[ "$(user_status "$prod_url" production-only)" == 200 ]] || fail "rotation: production lost its user after the rotation"
status="$(register "$prod_url" after-rotation)" || true
[[ "$status" == 204 ]] || fail "rotation: production cannot write with the new password: HTTP $status $(cat "$work/body" 2>/dev/null)"
pass rotation "new secrets hash ${hash_s}s after the Secret changed; all pods replaced in ${rotation_s}s ($before-> $after), the old ones gone in ${gone_s}s; the app answers with its data"

# --- unexpose -------------------------------------------------------------------------------
t="$(now_ms)"
kubectl -n "$prod" patch minitwit minitwit --type json -p '[{"op": "remove", "path": "/spec/expose"}]' >&2
eventually 60 "production's Ingress is deleted" holds '! kubectl -n $prod get ingress minitwit >/dev/null 2>&1'
pass unexpose "Ingress gone $(elapsed "$t")s after spec.expose was removed"

# --- isolation ------------------------------------------------------------------------------
before="$(app_pods "$prod")"
t="$(now_ms)"
kubectl delete -f "$repo_root/examples/environments/staging.yaml" --wait=false >&2
eventually 180 "the staging namespace is gone" holds '! kubectl get namespace $stag >/dev/null 2>&1'
staging_gone_s="$(elapsed "$t")"
[[ "$(app_pods "$prod")" == "$before" ]] || fail "isolation: production's pods changed ($before -> $(app_pods "$prod"))"
[[ "$(phase "$prod")" == Ready ]] || fail "isolation: production is $(phase "$prod")"
[[ "$(user_status "$prod_url" production-only)" == 200 ]] || fail "isolation: production lost its user"
[[ "$(managed_psql "select count(*) from users")" == 2 ]] || fail "isolation: the managed database changed"
pass isolation "staging deleted in ${staging_gone_s}s; production's pods ($before), phase and data unchanged"

say "all passed in $(elapsed "$test_start") s"
