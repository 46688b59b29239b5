# shellcheck shell=bash
# What the local cluster sets on the host and what `down` clears from it: sysctls, the
# node's address, the FORWARD chain beside a Docker engine, and what pods leave behind
# (tasks, shims, cgroups, mounts, iptables and nftables rules). Sourced by tests/cluster/cluster.

# Values we change are saved once, restored by down.
save_and_set_sysctl() {
  local key="$1" value="$2" file="/proc/sys/${1//.//}" saved="$run/sysctl.$1"
  [[ -w "$file" ]] || return 0
  [[ -f "$saved" ]] || cat "$file" >"$saved"
  echo "$value" >"$file"
}

restore_sysctls() {
  local saved key
  for saved in "$run"/sysctl.*; do
    [[ -f "$saved" ]] || continue
    key="${saved##*/sysctl.}"
    cat "$saved" >"/proc/sys/${key//.//}" 2>/dev/null || true
    rm -f "$saved"
  done
}

ensure_node_address() {
  if ! ip link show "$NODE_DEVICE" >/dev/null 2>&1; then
    ip link add "$NODE_DEVICE" type bridge
  fi
  ip addr replace "$NODE_IP/32" dev "$NODE_DEVICE"
  ip link set "$NODE_DEVICE" up
}

# Kills what is left of pods: the tasks containerd knows, then any process still in the
# kubelet's cgroup tree (a shim that died leaves its container behind).
kill_pods() {
  if alive containerd; then
    local id
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
      ctr_k8s tasks kill -a -s SIGKILL "$id" >/dev/null 2>&1 || true
    done
    for id in $(ctr_k8s tasks ls -q 2>/dev/null); do
      timeout 10 ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true
    done
    for id in $(ctr_k8s containers ls -q 2>/dev/null); do
      ctr_k8s containers delete "$id" >/dev/null 2>&1 || true
    done
  fi
}

# The containerd shims of this cluster carry its socket in their command line.
kill_shims() {
  local proc args
  for proc in /proc/[0-9]*; do
    mapfile -d '' args 2>/dev/null <"$proc/cmdline" || continue
    [[ "${args[0]:-}" == *containerd-shim* && " ${args[*]} " == *" -address $containerd_sock "* ]] || continue
    kill -KILL "${proc#/proc/}" 2>/dev/null || true
  done
}

# Processes left in the pod cgroups, then the cgroups themselves (deepest first).
clean_cgroups() {
  local hierarchies=() hierarchy pid round
  for hierarchy in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d "$hierarchy" ]] && hierarchies+=("$hierarchy")
  done
  ((${#hierarchies[@]})) || return 0
  for round in 1 2 3; do
    local found=0
    while read -r pid; do
      found=1
      kill -KILL "$pid" 2>/dev/null || true
    done < <(find "${hierarchies[@]}" -name cgroup.procs -exec cat {} + 2>/dev/null)
    ((found)) || break
    sleep 0.2
  done
  find "${hierarchies[@]}" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}

unmount_state() {
  local target
  [[ -d "$state" ]] || return 0
  for _ in 1 2 3; do
    local targets=()
    while read -r target; do targets+=("$target"); done < <(
      findmnt -rn -o TARGET | awk -v s="$state/" 'index($0, s) == 1' | sort -r)
    ((${#targets[@]})) || return 0
    for target in "${targets[@]}"; do
      target="$(printf %b "$target")"
      umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || true
    done
  done
  local remaining
  remaining="$(findmnt -rn -o TARGET | grep "^$state/" | tr '\n' ' ' || true)"
  [[ -z "$remaining" ]] || die "mounts remain under $state: $remaining"
}

# A Docker engine on the host sets the FORWARD policy to DROP, which would cut pods off
# from each other and from Services. Our own chain, first in FORWARD, accepts the
# cluster's pod and Service CIDRs (clean_iptables removes it on down).
allow_forwarding() {
  local cidr
  iptables -N MINITWIT-FORWARD 2>/dev/null || iptables -F MINITWIT-FORWARD
  for cidr in "$CLUSTER_CIDR" "$SERVICE_CIDR"; do
    iptables -A MINITWIT-FORWARD -s "$cidr" -j ACCEPT
    iptables -A MINITWIT-FORWARD -d "$cidr" -j ACCEPT
  done
  iptables -C FORWARD -j MINITWIT-FORWARD 2>/dev/null || iptables -I FORWARD 1 -j MINITWIT-FORWARD
}

# Rules and chains of kube-proxy, the kubelet, the CNI plugins and ours (KUBE-*, CNI-*,
# MINITWIT-*): one
# iptables-restore per table that flushes those chains, deletes the rules of built-in
# chains that jump to them, and then deletes the chains.
clean_iptables() {
  local tool table
  for tool in iptables ip6tables; do
    command -v "$tool-save" >/dev/null || continue
    for table in filter nat mangle raw; do
      local dump script
      dump="$("$tool-save" -t "$table" 2>/dev/null)" || continue
      script="$(awk -v table="$table" '
        /^:(KUBE-|CNI-|MINITWIT-)/ { chains[++n] = substr($1, 2) }
        /^-A / && $2 !~ /^(KUBE-|CNI-|MINITWIT-)/ && / -j (KUBE-|CNI-|MINITWIT-)/ { sub(/^-A /, "-D "); rules[++m] = $0 }
        END {
          if (n + m == 0) exit
          print "*" table
          for (i = 1; i <= n; i++) print ":" chains[i] " - [0:0]"
          for (i = 1; i <= m; i++) print rules[i]
          for (i = 1; i <= n; i++) print "-X " chains[i]
          print "COMMIT"
        }' <<<"$dump")"
      [[ -n "$script" ]] || continue
      "$tool-restore" --noflush <<<"$script" || log "warning: $tool-restore could not clean table $table"
    done
  done
  # kube-proxy may also have made nftables tables of its own.
  if command -v nft >/dev/null; then
    local family name
    while read -r family name; do
      nft delete table "$family" "$name" 2>/dev/null || true
    done < <(nft list tables 2>/dev/null | awk '$3 == "kube-proxy" {print $2, $3}')
  fi
}
