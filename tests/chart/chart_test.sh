#!/usr/bin/env bash
# The Helm chart without a cluster: `helm lint --strict` and `helm template` of every values
# combination the chart supports, asserting on the rendered objects; values the schema must
# refuse fail to render. What users rely on:
#   lint        helm lint --strict passes (default, namespaced, everything on)
#   default     cluster-wide: ClusterRole + ClusterRoleBinding, WATCH_NAMESPACES empty,
#               non-root pod, no monitoring object, the helm-test pod is a test hook
#   namespaced  watchNamespaces: a Role + RoleBinding per watched namespace with the same rules
#               as the ClusterRole; nothing cluster-scoped; WATCH_NAMESPACES set
#   monitoring  ServiceMonitor, PodMonitor, PrometheusRule only with their switch AND their CRD
#               (--api-versions); their selectors match the operator's and the app pods'
#               labels; the rules and dashboards of files/ are carried whole
#   pod         imagePullSecrets, nodeSelector, tolerations, affinity, podAnnotations,
#               podLabels, priorityClassName, resources reach the operator's pod
#   schema      typos and bad values fail with the schema's message
# Usage: tests/chart/chart_test.sh   (helm from the cluster cache: tests/cluster/build.sh helm)
set -Eeuo pipefail
test_name=chart
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"
chart="$repo_root/charts/minitwit-operator"
start="$(date +%s%3N)"

"$repo_root/tests/cluster/build.sh" helm 2>&1 | sed 's/^/  /' >&2
eval "$("$repo_root/tests/cluster/cluster" env)"
command -v helm >/dev/null || fail "missing prerequisite: helm (tests/cluster/build.sh helm)"
command -v jq >/dev/null || fail "missing prerequisite: jq (Debian package jq)"
work="$(mktemp -d /tmp/minitwit-chart-test.XXXXXX)"
trap 'rm -rf "$work"' EXIT

monitoring_apis=(--api-versions monitoring.coreos.com/v1 --api-versions monitoring.coreos.com/v1/ServiceMonitor
  --api-versions monitoring.coreos.com/v1/PodMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule)
monitoring_on=(--set monitoring.serviceMonitor.enabled=true --set monitoring.appPodMonitor.enabled=true
  --set monitoring.prometheusRule.enabled=true --set monitoring.dashboards.enabled=true)

# --- lint ---------------------------------------------------------------------------------
helm lint --strict "$chart" >"$work/lint.log" 2>&1 || fail "lint: $(cat "$work/lint.log")"
helm lint --strict "$chart" --set 'watchNamespaces={team-a,team-b}' "${monitoring_on[@]}" >"$work/lint.log" 2>&1 \
  || fail "lint (namespaced, monitoring on): $(cat "$work/lint.log")"
pass lint "helm lint --strict: default; namespaced with monitoring on"

# --- default ------------------------------------------------------------------------------
render default
render numeric-tag --set image.tag=2 --set test.image.tag=1
has "$(doc numeric-tag Deployment minitwit-operator)" "image: \"minitwit.local/minitwit-operator:2\"" "default: a numeric image tag renders as the tag"
expect_kinds default "ClusterRole ClusterRoleBinding Deployment Pod PodDisruptionBudget Role RoleBinding Service ServiceAccount"
dep="$(doc default Deployment minitwit-operator)"
[[ "$(env_value "$dep" WATCH_NAMESPACES)" == '""' ]] || fail "default: WATCH_NAMESPACES is not empty"
has "$dep" 'runAsNonRoot: true' "default: the operator pod runs as non-root"
has "$dep" 'runAsUser: 65532' "default: the operator runs as uid 65532"
has "$dep" 'allowPrivilegeEscalation: false' "default: no privilege escalation"
has "$(doc default ClusterRoleBinding minitwit-operator)" 'namespace: ops' "default: the binding names the release namespace's ServiceAccount"
test_pod="$(doc default Pod minitwit-operator-test-metrics)"
has "$test_pod" 'helm.sh/hook: test' "default: the metrics check is a helm test hook"
has "$test_pod" 'http://minitwit-operator-metrics.ops.svc:8080' "default: the test checks the metrics Service"
has "$test_pod" 'runAsNonRoot: true' "default: the test pod runs as non-root"
has "$test_pod" 'hook-delete-policy: before-hook-creation$' "default: the test pod stays after success, for helm test --logs"
pass default "9 objects; cluster-wide RBAC; non-root; helm test hook"

# --- namespaced ---------------------------------------------------------------------------
render namespaced --set 'watchNamespaces={team-a,team-b}'
expect_kinds namespaced "Deployment Pod PodDisruptionBudget Role Role Role RoleBinding RoleBinding RoleBinding Service ServiceAccount"
lacks "$(cat "$work/namespaced.yaml")" '^kind: Cluster' "namespaced: nothing cluster-scoped"
[[ "$(env_value "$(doc namespaced Deployment minitwit-operator)" WATCH_NAMESPACES)" == '"team-a,team-b"' ]] \
  || fail "namespaced: WATCH_NAMESPACES is not \"team-a,team-b\""
cluster_rules="$(rules_of "$(doc default ClusterRole minitwit-operator)")"
[[ -n "$cluster_rules" ]] || fail "default: the ClusterRole has no rules"
for ns in team-a team-b; do
  role="$(doc namespaced Role minitwit-operator "$ns")"
  [[ -n "$role" ]] || fail "namespaced: no Role minitwit-operator in $ns"
  [[ "$(rules_of "$role")" == "$cluster_rules" ]] || fail "namespaced: the Role in $ns has other rules than the ClusterRole"
  binding="$(doc namespaced RoleBinding minitwit-operator "$ns")"
  has "$binding" 'kind: Role$' "namespaced: the RoleBinding in $ns binds the Role"
  has "$binding" 'namespace: ops' "namespaced: the RoleBinding in $ns names the release's ServiceAccount"
done
pass namespaced "Role + RoleBinding in team-a and team-b with the ClusterRole's rules; no cluster-scoped object"

# --- monitoring ---------------------------------------------------------------------------
render monitoring-no-crds "${monitoring_on[@]}"
expect_kinds monitoring-no-crds "ClusterRole ClusterRoleBinding ConfigMap Deployment Pod PodDisruptionBudget Role RoleBinding Service ServiceAccount"
render monitoring-off "${monitoring_apis[@]}"
expect_kinds monitoring-off "ClusterRole ClusterRoleBinding Deployment Pod PodDisruptionBudget Role RoleBinding Service ServiceAccount"
render monitoring "${monitoring_apis[@]}" "${monitoring_on[@]}" --set monitoring.serviceMonitor.labels.release=kps
expect_kinds monitoring "ClusterRole ClusterRoleBinding ConfigMap Deployment Pod PodDisruptionBudget PodMonitor PrometheusRule Role RoleBinding Service ServiceAccount ServiceMonitor"
sm="$(doc monitoring ServiceMonitor minitwit-operator)"
has "$sm" '- port: metrics' "monitoring: the ServiceMonitor scrapes the port named metrics"
has "$sm" 'honorLabels: true' "monitoring: the ServiceMonitor keeps the per-MiniTwit namespace label (honorLabels)"
has "$sm" 'release: kps' "monitoring: the ServiceMonitor carries serviceMonitor.labels"
svc="$(doc monitoring Service minitwit-operator-metrics)"
for label in $(awk '/^    matchLabels:/ {on=1; next} on && /^      [^ ]/ {print $1 $2; next} on {on=0}' <<<"$sm"); do
  has "$svc" "^    ${label%%:*}: ${label#*:}\$" "monitoring: the metrics Service has the ServiceMonitor's label ${label}"
done
pm="$(doc monitoring PodMonitor minitwit-operator-apps)"
for label in "app.kubernetes.io/name: minitwit" "app.kubernetes.io/component: app" "app.kubernetes.io/managed-by: minitwit-operator" \
  "- port: http" "path: /metrics" "any: true"; do
  has "$pm" "$label" "monitoring: the app PodMonitor has '$label' (the labels and port of operator/src/controller/desired_state.cpp)"
done
grep -q '{kLabelComponent, kComponentApp}' "$repo_root/operator/src/controller/desired_state.cpp" &&
  grep -q 'kComponentApp\[\] = "app"' "$repo_root/operator/src/controller/desired_state.hpp" &&
  grep -q '{"name", "http"}, {"containerPort", spec.port}' "$repo_root/operator/src/controller/desired_state.cpp" \
  || fail "monitoring: the app pods' labels or port name moved in operator/src/controller/desired_state; update templates/podmonitor.yaml"
rule="$(doc monitoring PrometheusRule minitwit-operator)"
rule_files=("$chart"/files/rules/*.yaml)
[[ -f "${rule_files[0]}" ]] || fail "monitoring: no rule file in charts/minitwit-operator/files/rules"
want_alerts="$(cat "${rule_files[@]}" | grep -cE '^[ -]*alert: ')"
got_alerts="$(grep -cE '^[ -]*alert: ' <<<"$rule")"
((want_alerts > 0 && got_alerts == want_alerts)) || fail "monitoring: the PrometheusRule has $got_alerts alerts, files/rules has $want_alerts"
dashboards=("$chart"/files/dashboards/*.json)
for f in "${dashboards[@]}"; do
  name="$(basename "$f" .json)"
  cm="$(doc monitoring ConfigMap "minitwit-operator-dashboard-$name")"
  has "$cm" 'grafana_dashboard: "1"' "monitoring: the dashboard ConfigMap $name has the sidecar's label"
  # The JSON inside the ConfigMap is the file's (compared as JSON).
  embedded="$(awk '/^  [a-z0-9_.-]+\.json: \|-$/ {on=1; next} on {sub(/^    /, ""); print}' <<<"$cm")"
  [[ "$(jq -S . <<<"$embedded" 2>/dev/null)" == "$(jq -S . "$f")" ]] \
    || fail "monitoring: the dashboard in ConfigMap of $name is not files/dashboards/$name.json"
done
render monitoring-namespaced "${monitoring_apis[@]}" "${monitoring_on[@]}" --set 'watchNamespaces={team-a}' \
  --set monitoring.dashboards.label=dash --set monitoring.dashboards.labelValue=mt --set monitoring.dashboards.namespace=grafana
pmn="$(doc monitoring-namespaced PodMonitor minitwit-operator-apps)"
has "$pmn" '^      - team-a$' "monitoring: in namespaced mode the PodMonitor looks in the watched namespaces"
lacks "$pmn" 'any: true' "monitoring: in namespaced mode the PodMonitor does not look everywhere"
has "$(doc monitoring-namespaced ConfigMap minitwit-operator-dashboard-"$(basename "${dashboards[0]}" .json)" grafana)" \
  'dash: "mt"' "monitoring: the dashboard label and namespace are configurable"
expect_failure "serviceMonitor without the metrics Service" "needs metrics.service.enabled" \
  "${monitoring_apis[@]}" --set monitoring.serviceMonitor.enabled=true --set metrics.service.enabled=false
pass monitoring "off without CRD or switch; ServiceMonitor/PodMonitor selectors match; $got_alerts alerts, ${#dashboards[@]} dashboard(s) carried"

# --- pod settings -------------------------------------------------------------------------
cat >"$work/pod-values.yaml" <<'YAML'
imagePullSecrets: [{name: regcred}]
nodeSelector: {kubernetes.io/os: linux}
tolerations: [{key: dedicated, operator: Equal, value: operators, effect: NoSchedule}]
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [ops]}]}]
podAnnotations: {example.com/owner: platform}
podLabels: {team: platform}
priorityClassName: system-cluster-critical
resources: {requests: {cpu: 100m, memory: 96Mi}, limits: {memory: 300Mi}}
podSecurityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000}
YAML
render pod -f "$work/pod-values.yaml"
dep="$(doc pod Deployment minitwit-operator)"
for want in '- name: regcred' 'kubernetes.io/os: linux' 'key: dedicated' 'effect: NoSchedule' 'key: pool' \
  'example.com/owner: platform' 'team: platform' 'priorityClassName: "system-cluster-critical"' 'memory: 96Mi' \
  'memory: 300Mi' 'runAsUser: 1000' 'fsGroup: 1000'; do
  has "$dep" "$want" "pod: the Deployment has '$want'"
done
lacks "$dep" 'podAntiAffinity' "pod: a given affinity replaces the default anti-affinity"
has "$(doc default Deployment minitwit-operator)" 'podAntiAffinity' "default: replicas spread by a preferred anti-affinity"
has "$(doc pod Pod minitwit-operator-test-metrics)" '- name: regcred' "pod: the test pod uses the pull secrets too"
pass pod "pull secrets, placement, annotations, labels, priority, resources, security context reach the pod"

# --- schema -------------------------------------------------------------------------------
schema_refuses "a misspelt top-level key" "additional properties 'watchNamespace' not allowed" --set 'watchNamespace={a}'
schema_refuses "a misspelt nested key" "additional properties 'prot' not allowed" --set metrics.prot=1
schema_refuses "a misspelt monitoring switch" "additional properties 'servicemonitor' not allowed" --set monitoring.servicemonitor.enabled=true
schema_refuses "an unknown log level" "logLevel" --set logLevel=verbose
schema_refuses "zero replicas" "replicas" --set replicas=0
schema_refuses "a namespace that is no DNS label" "watchNamespaces/0" --set 'watchNamespaces={Team_A}'
schema_refuses "a repeated namespace" "watchNamespaces" --set 'watchNamespaces={a,a}'
schema_refuses "an unknown pull policy" "pullPolicy" --set image.pullPolicy=Sometimes
schema_refuses "a string for a switch" "monitoring/prometheusRule/enabled" --set-string monitoring.prometheusRule.enabled=yes
schema_refuses "a pull secret without a name" "imagePullSecrets/0" --set 'imagePullSecrets[0].secret=x'
schema_refuses "runAsNonRoot false" "podSecurityContext/runAsNonRoot" --set podSecurityContext.runAsNonRoot=false
schema_refuses "running as uid 0" "securityContext/runAsUser" --set securityContext.runAsUser=0
schema_refuses "privilege escalation" "securityContext/allowPrivilegeEscalation" --set securityContext.allowPrivilegeEscalation=true
schema_refuses "a port out of range" "metrics/port" --set metrics.port=70000
schema_refuses "a malformed scrape interval" "interval" --set monitoring.serviceMonitor.interval=often
schema_refuses "a list for an image tag" "image/tag" --set "image.tag={a}"
pass schema "16 bad values refused with the schema's message"

say "all passed: ${passed[*]} ($(($(date +%s%3N) - start)) ms)"
