# shellcheck shell=bash
# Helpers of the cluster tests: assertions that fail loudly, polling, and a snapshot of the
# host state a cluster may leave behind. Sourced by the *_test.sh scripts.

cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo_root="$(cd "$cluster_dir/../.." && pwd)"
cluster="$cluster_dir/cluster"

say() { printf '[%s %(%H:%M:%S)T] %s\n' "${test_name:-test}" -1 "$*" >&2; }
fail() { printf '[%s] FAIL: %s\n' "${test_name:-test}" "$*" >&2; exit 1; }

# eventually SECONDS DESCRIPTION COMMAND...: retries COMMAND every second until it succeeds.
eventually() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || fail "timed out after ${timeout}s: $what"
    sleep 1
  done
}

require_root() { [[ $(id -u) -eq 0 ]] || fail "the cluster tests need root"; }

# The cluster binaries: built (or found cached, in about a second) by build.sh.
require_cluster_binaries() {
  local components=("$@")
  "$cluster_dir/build.sh" "${components[@]}" >&2 || fail "tests/cluster/build.sh ${components[*]} failed"
}

# cluster_processes STATE_DIR: processes of the cluster: every component and containerd
# shim carries its state directory in its command line (pods are in its cgroups).
cluster_processes() {
  local state="$1" proc args
  for proc in /proc/[0-9]*; do
    mapfile -d '' args 2>/dev/null <"$proc/cmdline" || continue
    ((${#args[@]})) || continue
    if [[ " ${args[*]} " == *" $state/"* || " ${args[*]} " == *"=$state/"* ]]; then
      echo "process ${proc#/proc/}: ${args[*]}"
    fi
  done
}

# host_snapshot STATE_DIR: what a full cluster can leave on the host, one item a line.
host_snapshot() {
  local state="$1"
  {
    cluster_processes "$state" | sed 's/^process [0-9]*:/process:/'
    findmnt -rn -o TARGET | grep -E "^$state/|/netns/cni-" | sed 's/^/mount: /'
    ip netns list 2>/dev/null | sed 's/^/netns: /'
    # The default cluster's devices and CNI veths (other tests may run control planes of
    # their own on other mtc-* devices meanwhile).
    ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -E '^(veth|mtc0$|mtc-cni0$)' | sed 's/^/link: /'
    local tool
    for tool in iptables-save ip6tables-save; do
      command -v "$tool" >/dev/null && "$tool" 2>/dev/null | grep -E 'KUBE-|CNI-' | sed "s/^/$tool: /"
    done
    find /sys/fs/cgroup -maxdepth 2 -name kubepods -type d 2>/dev/null | sed 's/^/cgroup: /'
  } | sort
}

# assert_same_host_state BEFORE AFTER
assert_same_host_state() {
  local diff
  if ! diff="$(diff <(echo "$1") <(echo "$2"))"; then
    fail "the host differs after down:"$'\n'"$diff"
  fi
}

# cluster_down_checked: ends the test's cluster (dropping the EXIT trap that would do it on
# failure), says how long that took, and fails unless `cluster status` then says down (3).
cluster_down_checked() {
  trap - EXIT
  local start=$SECONDS status=0
  "$cluster" down
  say "down in $((SECONDS - start))s"
  "$cluster" status >/dev/null 2>&1 || status=$?
  [[ $status -eq 3 ]] || fail "status should say down (3) after down, said $status"
}
