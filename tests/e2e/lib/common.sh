# shellcheck shell=bash
# Helpers of the operator's integration and end-to-end tests: loud assertions, bounded
# polling, a private control-plane instance of tests/cluster, the operator as a host process
# and its /metrics. Sourced by tests/e2e/*.sh and tests/bench/bench-operator.sh.

e2e_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_root="$(cd "$e2e_dir/../.." && pwd)"
cluster="$repo_root/tests/cluster/cluster"

say() { printf '[%s %(%H:%M:%S)T] %s\n' "${test_name:-e2e}" -1 "$*" >&2; }
fail() {
  printf '[%s %(%H:%M:%S)T] FAIL: %s\n' "${test_name:-e2e}" -1 "$*" >&2
  exit 1
}
# trap_errors: a command that fails outside an assertion names itself and its line.
trap_errors() {
  trap 'printf "[%s] FAIL: command failed (exit %s) at %s:%s: %s\n" "${test_name:-e2e}" "$?" "${BASH_SOURCE[0]##*/}" "$LINENO" "$BASH_COMMAND" >&2' ERR
}

# A missing prerequisite is a failure with its reason.
missing() { fail "missing prerequisite: $*"; }

now_ms() { date +%s%3N; }

# eventually SECONDS DESCRIPTION COMMAND...: retries COMMAND every 0.2 s until it succeeds.
eventually() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$(($(now_ms) + timeout * 1000))
  until "$@" >/dev/null 2>&1; do
    (($(now_ms) < deadline)) || fail "timed out after ${timeout}s: $what"
    sleep 0.2
  done
}

# holds EXPRESSION: evaluates EXPRESSION (single-quoted by the caller) each time it is called,
# for eventually/consistently: `eventually 10 "ready" holds '[[ "$(phase)" == Ready ]]'`.
holds() { eval "$1"; }

# consistently SECONDS DESCRIPTION COMMAND...: COMMAND must keep succeeding for SECONDS.
consistently() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$(($(now_ms) + seconds * 1000))
  while (($(now_ms) < deadline)); do
    "$@" >/dev/null 2>&1 || fail "no longer true: $what"
    sleep 0.5
  done
}

require_root() { [[ $(id -u) -eq 0 ]] || missing "root (the local cluster needs it)"; }
require_tool() { command -v "$1" >/dev/null || missing "$1 ($2)"; }

# use_private_control_plane ID OCTET: a control plane of tests/cluster with its own state
# directory, node address and device, so it runs beside a developer's cluster.
use_private_control_plane() {
  export MINITWIT_CLUSTER_STATE="/var/lib/minitwit-cluster-$1"
  export MINITWIT_CLUSTER_NODE_IP="172.31.$2.1"
  export MINITWIT_CLUSTER_NODE_DEVICE="mtc-$1"
  cluster_state="$MINITWIT_CLUSTER_STATE"
}

# cluster_env: KUBECONFIG and PATH (kubectl, helm) of the running cluster.
cluster_env() {
  eval "$("$cluster" env)"
  command -v kubectl >/dev/null || missing "kubectl from the cluster cache (tests/cluster/build.sh)"
}

# test_args USAGE ARGS...: the arguments of a test script as USAGE lists them
# (e.g. "--operator PATH --minitwit PATH [--images DIR]"; bracketed ones are optional).
# --operator, --minitwit, --sim and --report name binaries (operator_bin, minitwit_bin,
# sim_bin, report_bin; a required one that is not executable is a missing prerequisite);
# --images, --out and --only are values (images, out, only). Anything else prints the usage
# and exits 2.
test_args() {
  test_usage="usage: $0 $1"; shift
  operator_bin="" minitwit_bin="" sim_bin="" report_bin="" images="" out="" only=""
  while (($#)); do
    [[ "$1" == --* && " $test_usage " == *[\ []"$1 "* && $# -ge 2 ]] || { echo "$test_usage" >&2; exit 2; }
    case "$1" in
      --operator | --minitwit | --sim | --report) printf -v "${1#--}_bin" '%s' "$2" ;;
      *) printf -v "${1#--}" '%s' "$2" ;;
    esac
    shift 2
  done
  local name target path
  for name in operator minitwit sim report; do
    [[ " $test_usage " == *" --$name "* ]] || continue
    target="minitwit-$name"; [[ $name == minitwit ]] && target=minitwit
    path="${name}_bin"; path="${!path}"
    [[ -x "$path" ]] || missing "the $name binary at '$path' (target $target)"
  done
}

# --- a test script on a private control plane ---------------------------------------------

# control_plane_test ID OCTET ARGS...: the common start of such a script. Reads
# `--operator PATH [--only NAME,...]` into operator_bin and only, checks the prerequisites,
# uses a private control plane (see above) and a work directory, takes down an instance an
# earlier run left, and sets an EXIT trap that stops the operators, the proxy and the cluster
# (on failure it prints their last log lines and keeps the work directory). A script may
# define before_cleanup to stop its own background work first.
control_plane_test() {
  local id="$1" octet="$2"; shift 2
  test_args "--operator PATH [--only NAME,...]" "$@"
  [[ -z "$only" ]] || only=",$only,"
  require_root
  require_tool jq "Debian package jq"
  require_tool curl "Debian package curl"
  use_private_control_plane "$id" "$octet"
  work="$(mktemp -d "/tmp/minitwit-$id.XXXXXX")"
  if "$cluster" status >/dev/null 2>&1 || [[ -d "$cluster_state/run" ]]; then
    say "an earlier instance is still up; taking it down"
    "$cluster" down >&2
  fi
  trap control_plane_cleanup EXIT
}

control_plane_cleanup() {
  local rc=$?
  trap - EXIT
  if declare -F before_cleanup >/dev/null; then before_cleanup; fi
  stop_all_operators
  stop_proxy
  if ((rc != 0)); then
    local f
    for f in "$work"/operator-*.log; do
      [[ -f "$f" ]] || continue
      echo "----- last lines of $f" >&2
      tail -n 25 "$f" >&2
    done
    for f in "$cluster_state"/logs/kube-apiserver.log "$cluster_state"/logs/kube-controller-manager.log; do
      [[ -f "$f" ]] && { echo "----- last lines of $f" >&2; tail -n 10 "$f" >&2; }
    done
  fi
  "$cluster" down >&2 || rc=1
  if ((rc == 0)); then rm -rf "$work"; else echo "work directory kept: $work" >&2; fi
  exit "$rc"
}

# selected NAME: the section NAME runs (no --only, or --only names it).
selected() { [[ -z "${only:-}" || "$only" == *",$1,"* ]]; }
passed=()
pass() { passed+=("$1"); say "PASS $1${2:+: $2}"; }

# --- the API server through `kubectl proxy` (cheap polling with curl) ---------------------

proxy_pid=""
proxy_url=""
start_proxy() {
  local log="$1" i port
  kubectl proxy --address 127.0.0.1 --port 0 >"$log" 2>&1 &
  proxy_pid=$!
  for ((i = 0; i < 100; i++)); do
    port="$(grep -o '127.0.0.1:[0-9]*' "$log" | sed -n '1s/.*://p' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || fail "kubectl proxy did not start: $(cat "$log")"
  proxy_url="http://127.0.0.1:$port"
}
stop_proxy() { [[ -z "$proxy_pid" ]] || { kill "$proxy_pid" 2>/dev/null; wait "$proxy_pid" 2>/dev/null; proxy_pid=""; } || true; }

# api PATH: GET through the proxy, body on stdout, fails on a non-2xx status.
api() { curl -sf --max-time 5 "$proxy_url$1"; }
api_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$proxy_url$1"; }
api_exists() { [[ "$(api_status "$1")" == 200 ]]; }
api_absent() { [[ "$(api_status "$1")" == 404 ]]; }

# --- the operator as a host process ------------------------------------------------------

declare -A operator_pids=() operator_ports=() operator_logs=()

# start_operator NAME BINARY KUBECONFIG ARGS...: runs the operator in the background, its
# metrics on a free loopback port (read back from its log).
start_operator() {
  local name="$1" binary="$2" kubeconfig="$3"; shift 3
  local log="$work/operator-$name.log" i port=""
  "$binary" --kubeconfig "$kubeconfig" --metrics-bind-address 127.0.0.1:0 "$@" >"$log" 2>&1 &
  operator_pids[$name]=$!
  operator_logs[$name]="$log"
  for ((i = 0; i < 100; i++)); do
    port="$(grep -o 'on port [0-9]*' "$log" | awk 'NR == 1 {print $3}' || true)"
    [[ -n "$port" ]] && break
    kill -0 "${operator_pids[$name]}" 2>/dev/null || fail "operator $name exited at start: $(tail -n 20 "$log")"
    sleep 0.1
  done
  [[ -n "$port" ]] || fail "operator $name did not report its metrics port: $(tail -n 20 "$log")"
  operator_ports[$name]="$port"
  say "operator $name: pid ${operator_pids[$name]}, metrics on 127.0.0.1:$port, log $log"
}

# stop_operator NAME [SIGNAL]: stops it and waits (bounded) until it is gone.
stop_operator() {
  local name="$1" signal="${2:-TERM}" pid="${operator_pids[$1]:-}" i
  [[ -n "$pid" ]] || return 0
  kill -"$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "operator $name did not stop in 15 s after SIG$signal; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  unset "operator_pids[$name]"
}
stop_all_operators() { local n; for n in "${!operator_pids[@]}"; do stop_operator "$n"; done; }
operator_alive() { kill -0 "${operator_pids[$1]}" 2>/dev/null; }

# metrics NAME: the operator's /metrics text.
metrics() { curl -sf --max-time 5 "http://127.0.0.1:${operator_ports[$1]}/metrics"; }

# metric_sum NAME REGEX: sum of the samples whose series (name and labels) matches REGEX.
# An unreachable /metrics is an error (status 1, nothing printed), never a sum of 0.
metric_sum() {
  local text
  text="$(metrics "$1")" || { echo "metric_sum: /metrics of operator $1 is unreachable" >&2; return 1; }
  awk -v re="$2" '!/^#/ && $1 ~ re { s += $2 } END { printf "%d\n", s }' <<<"$text"
}
# Mutating requests of the controller's client (leader election's Lease renewals are not
# counted: they are the election itself).
operator_writes() {
  metric_sum "$1" '^minitwit_operator_api_requests_total\{client="controller",verb="(create|update|patch|apply|delete)"\}$'
}
operator_requests() { metric_sum "$1" '^minitwit_operator_api_requests_total\{client="controller",'; }
operator_reconciles() { metric_sum "$1" '^controller_runtime_reconcile_total[{]'; }

# --- the operator's identity: the Helm chart's ServiceAccount and RBAC --------------------

# chart_rbac_kubeconfig NAMESPACE OUT [HELM_ARGS...]: applies the chart's ServiceAccount and
# RBAC (rendered with helm, with HELM_ARGS such as --set watchNamespaces=...) and writes a
# kubeconfig that authenticates as that ServiceAccount, so the tests also prove the chart's
# least-privilege rules are enough.
chart_rbac_kubeconfig() {
  local ns="$1" out="$2" sa server ca token
  shift 2
  require_tool helm "from the cluster cache: tests/cluster/build.sh helm"
  kubectl create namespace "$ns" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
  helm template minitwit-operator "$repo_root/charts/minitwit-operator" --namespace "$ns" "$@" \
    --show-only templates/serviceaccount.yaml --show-only templates/rbac.yaml | kubectl apply -f - >/dev/null \
    || fail "cannot apply the chart's RBAC"
  sa="$(helm template minitwit-operator "$repo_root/charts/minitwit-operator" --namespace "$ns" "$@" \
    --show-only templates/serviceaccount.yaml | awk '/^  name:/ && !n++ {print $2}')"
  [[ -n "$sa" ]] || fail "no ServiceAccount in the chart"
  token="$(kubectl -n "$ns" create token "$sa" --duration 6h)" || fail "cannot create a token for $ns/$sa"
  server="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"
  ca="$(kubectl config view --raw --minify -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')"
  cat >"$out" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: "$server", certificate-authority-data: "$ca"}
users:
- name: operator
  user: {token: "$token"}
contexts:
- name: operator
  context: {cluster: local, user: operator}
current-context: operator
EOF
  chmod 600 "$out"
}

# percentile P FILE: the P-th percentile (nearest rank) of the numbers in FILE, one a line.
percentile() {
  sort -n "$2" | awk -v p="$1" '{ v[NR] = $1 } END { if (NR == 0) { print "n/a"; exit }
    r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; if (r > NR) r = NR; print v[r] }'
}
