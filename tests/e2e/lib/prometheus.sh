# shellcheck shell=bash
# A real Prometheus on the full local node, for end-to-end tests of monitoring: built from the
# Go module proxy (tests/cluster/build.sh prometheus, cached), its image loaded into the node,
# installed by monitoring/prometheus/install.sh with the chart's rule files. Sourced after
# lib/common.sh, with the node up and cluster_env done.
#   prometheus_up [--rules DIR]   install, wait until ready; exports PROM_URL (host-reachable)
#   prom_query EXPR               instant query; prints the result vector as JSON
#   prom_value EXPR               the first sample's value of an instant query ("" when none)
#   prom_reload                   POST /-/reload (after the ConfigMaps changed)

# prometheus_up [--rules DIR]: DIR defaults to charts/minitwit-operator/files/rules.
prometheus_up() {
  local rules_args=() t node_ip tar
  [[ "${1:-}" == --rules ]] && rules_args=(--rules "$2")
  require_tool jq "Debian package jq"
  t="$(now_ms)"
  tar="${work:?prometheus_up needs the work directory of its caller}/prometheus.tar"
  local tag
  tag="$(source "$repo_root/tests/cluster/versions.env"; v="${PROMETHEUS_VERSION#v0.}"; echo "v3.$((10#${v%%.*} - 300)).${v#*.}")"
  say "prometheus: image minitwit.local/prometheus:$tag (the first build compiles Prometheus, minutes)"
  "$repo_root/tests/images/prometheus.sh" --tag "minitwit.local/prometheus:$tag" --out "$tar" >&2 \
    || fail "prometheus: the image build failed"
  node_load_images "$tar" || fail "prometheus: loading its image into the node failed"
  "$repo_root/monitoring/prometheus/install.sh" --image "minitwit.local/prometheus:$tag" "${rules_args[@]}" >&2 \
    || fail "prometheus: install.sh failed"
  kubectl -n monitoring rollout status deployment/prometheus --timeout 180s >&2 \
    || fail "prometheus: the Deployment did not become ready"
  node_ip="$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')"
  [[ -n "$node_ip" ]] || fail "prometheus: the node has no InternalIP"
  export PROM_URL="http://$node_ip:30090"
  eventually 60 "Prometheus answers at $PROM_URL/-/ready" curl -sf --max-time 2 "$PROM_URL/-/ready"
  say "prometheus: ready at $PROM_URL in $((($(now_ms) - t) / 1000)) s"
}

# prom_query EXPR: the instant query's result (a JSON array); fails on an error answer.
prom_query() {
  local answer
  answer="$(curl -sf --max-time 10 --data-urlencode "query=$1" "${PROM_URL:?prometheus_up first}/api/v1/query")" \
    || { echo "prom_query: no answer from $PROM_URL for: $1" >&2; return 1; }
  jq -e '.status == "success"' <<<"$answer" >/dev/null || { echo "prom_query: $answer" >&2; return 1; }
  jq -c '.data.result' <<<"$answer"
}

# prom_value EXPR: the first sample's value as text, "" when the result is empty.
prom_value() {
  local result
  result="$(prom_query "$1")" || return 1
  jq -r '.[0].value[1] // ""' <<<"$result"
}

prom_reload() { curl -sf --max-time 10 -X POST "${PROM_URL:?prometheus_up first}/-/reload" >/dev/null; }
