#!/usr/bin/env bash
# A Docker engine for kind on a machine without systemd: Debian's docker.io, dockerd run
# as a plain process. Idempotent.
#   tests/kind/engine.sh start    install docker.io if missing, start dockerd, wait for it
#   tests/kind/engine.sh stop     stop the dockerd this script started
#   tests/kind/engine.sh status   exit 0 when `docker info` answers
#   tests/kind/engine.sh prune    remove iptables rules of bridge networks the engine no longer
#                                 has (start does it after starting dockerd)
# dockerd's default runtime is tests/kind/runc-wrapper (installed to a fixed path), which
# drops the capabilities this machine's root does not hold from a container's spec, so
# that `docker run --privileged` (every kind node) works on VMs like this one.
# A dockerd that is already running and not ours is used as it is.
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state=/var/lib/minitwit-engine
pidfile="$state/dockerd.pid"
log="$state/dockerd.log"
wrapper=/usr/local/lib/minitwit/runc-wrapper

say() { printf 'engine: %s\n' "$*" >&2; }
die() { printf 'engine: error: %s\n' "$*" >&2; exit 1; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

install_engine() {
  command -v dockerd >/dev/null && return 0
  [[ $(id -u) -eq 0 ]] || die "docker.io is not installed and installing it needs root"
  say "installing Debian's docker.io (dockerd runs as a plain process; no service is started)"
  # policy-rc.d keeps the package's maintainer scripts from starting a service.
  local prc=/usr/sbin/policy-rc.d had=0
  [[ -e $prc ]] && had=1
  ((had)) || printf '#!/bin/sh\nexit 101\n' >"$prc"
  chmod +x "$prc"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io jq >/dev/null || { ((had)) || rm -f "$prc"; die "apt-get install docker.io failed"; }
  ((had)) || rm -f "$prc"
}

start() {
  if answers; then say "dockerd answers"; return 0; fi
  # Two callers at once (hack/test.sh's background preparation and a test) start one dockerd.
  mkdir -p "$state"
  local lock
  exec {lock}>"$state/start.lock"
  flock "$lock"
  if answers; then say "dockerd answers"; return 0; fi
  install_engine
  mkdir -p "$(dirname "$wrapper")"
  install -m 0755 "$here/runc-wrapper" "$wrapper"
  # kind's nodes each run systemd and a kubelet: raise the inotify limits (kind's known issues).
  local k v
  for kv in fs.inotify.max_user_instances=8192 fs.inotify.max_user_watches=524288; do
    k="${kv%%=*}" v="${kv#*=}"
    (( $(sysctl -n "$k") >= v )) || sysctl -qw "$k=$v" || say "could not raise $k"
  done
  say "starting dockerd (log $log)"
  setsid dockerd --pidfile "$pidfile" \
    --add-runtime minitwit-runc="$wrapper" --default-runtime minitwit-runc \
    >>"$log" 2>&1 </dev/null {lock}>&- &
  local i
  for ((i = 0; i < 60; i++)); do
    answers && { say "dockerd answers ($(docker version --format '{{.Server.Version}}'))"; prune; return 0; }
    kill -0 "$!" 2>/dev/null || { tail -20 "$log" >&2; die "dockerd exited"; }
    sleep 1
  done
  tail -20 "$log" >&2
  die "dockerd did not answer within 60 s"
}

# Docker keeps a bridge network's iptables rules until the network is removed. When a data
# root is wiped with networks in it, their rules stay behind, and a new network on the same
# subnet (kind's, 172.18.0.0/16, again) inherits a stale `-s SUBNET ! -o OLD-BRIDGE -j
# MASQUERADE`: traffic between kind nodes is masqueraded to the bridge address, kube-router's
# BGP peers refuse it, and pods on the workers reach nothing on other nodes. Remove every rule
# that names a br-<id> bridge that no network of this engine has.
prune() {
  answers || die "prune needs a running dockerd"
  local id table rule bridge words removed=0
  local -A valid=()
  for id in $(docker network ls -q --filter driver=bridge); do
    for bridge in $(docker network inspect -f 'br-{{printf "%.12s" .Id}} {{index .Options "com.docker.network.bridge.name"}}' "$id"); do
      valid[$bridge]=1
    done
  done
  for table in nat filter; do
    while IFS= read -r rule; do
      [[ $rule =~ br-[0-9a-f]{12} ]] && bridge="${BASH_REMATCH[0]}"
      [[ -n ${valid[$bridge]:-} ]] && continue
      # Rules from `iptables -S` are words without quotes (Docker writes no comments).
      read -ra words <<<"${rule/#-A /-D }"
      iptables -w -t "$table" "${words[@]}" && removed=$((removed + 1))
    done < <(iptables -w -t "$table" -S 2>/dev/null | grep -E -- '^-A .*br-[0-9a-f]{12}( |$)')
  done
  ((removed == 0)) || say "removed $removed iptables rules of bridge networks that no longer exist"
  # Their bridges too (a route to the old subnet each).
  for bridge in $(ip -o link show type bridge | grep -oE 'br-[0-9a-f]{12}' | sort -u); do
    [[ -n ${valid[$bridge]:-} ]] || { ip link delete "$bridge" && say "removed the bridge $bridge of a network that no longer exists"; }
  done
}

stop() {
  [[ -f $pidfile ]] || { say "no dockerd of ours"; return 0; }
  local pid; pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local i
    for ((i = 0; i < 30; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$pidfile"
  say "dockerd stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) answers ;;
  prune) prune ;;
  *) echo "usage: $0 start|stop|status|prune" >&2; exit 2 ;;
esac
