#!/usr/bin/env bash
# tests/kind/engine.sh on a host where an earlier engine's data root was wiped with a bridge
# network in it: the network's iptables rules and bridge stayed behind. A stale
# `-s SUBNET ! -o OLD-BRIDGE -j MASQUERADE` masquerades the traffic between kind nodes on a
# new network of the same subnet, and kind's pods on workers reach nothing (seen here:
# metrics-server on a worker timed out on 10.96.0.1, 3 of 3 clusters). Asserts: `start`
# removes the stale rules and bridge, and keeps the rules of the engine's own networks.
set -Eeuo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
engine="$repo_root/tests/kind/engine.sh"
say() { printf '[engine-test %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
fail() { printf '[engine-test] FAIL: %s\n' "$*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "needs root (iptables, dockerd)"

stale=br-0123456789ab        # a bridge of no network of this engine
subnet=198.51.100.0/24       # TEST-NET-2: routes nowhere on this machine
network=minitwit-engine-test
rules_naming() { { iptables -w -t nat -S; iptables -w -S; } 2>/dev/null | grep -- "$1" || true; }
rules_of() { rules_naming "$1" | grep -c . || true; }
cleanup() {
  iptables -w -t nat -D POSTROUTING -s "$subnet" ! -o "$stale" -j MASQUERADE 2>/dev/null || true
  iptables -w -D FORWARD -i "$stale" ! -o "$stale" -j ACCEPT 2>/dev/null || true
  ip link delete "$stale" 2>/dev/null || true
  docker network rm "$network" >/dev/null 2>&1 || true
}
trap cleanup EXIT

"$engine" start
# hack/test.sh builds the kind node image with this engine in the background: wait for it
# (tests/kind/build.sh holds its lock while building) before restarting the engine.
"$repo_root/tests/kind/build.sh" >/dev/null || fail "tests/kind/build.sh failed"
[[ -f /var/lib/minitwit-engine/dockerd.pid ]] || fail "the running dockerd is not tests/kind/engine.sh's; this test restarts it"
docker network rm "$network" >/dev/null 2>&1 || true
id="$(docker network create "$network")"
own="br-${id:0:12}"
own_rules="$(rules_of "$own")"
((own_rules > 0)) || fail "the new network $network has no iptables rules for $own"

say "leaving what a wiped data root leaves: rules and a bridge for $stale"
ip link add "$stale" type bridge
iptables -w -t nat -A POSTROUTING -s "$subnet" ! -o "$stale" -j MASQUERADE
iptables -w -A FORWARD -i "$stale" ! -o "$stale" -j ACCEPT
(($(rules_of "$stale") == 2)) || fail "could not set up the stale rules"

say "restarting the engine"
"$engine" stop
started="$("$engine" start 2>&1)"
printf '%s\n' "$started" >&2

left="$(rules_of "$stale")"
((left == 0)) || fail "$left iptables rules of the stale bridge $stale are left: $(rules_naming "$stale")"
! ip link show "$stale" >/dev/null 2>&1 || fail "the stale bridge $stale is left"
grep -qE "removed [0-9]+ iptables rules" <<<"$started" || fail "engine.sh start did not say what it removed"
now="$(rules_of "$own")"
((now == own_rules)) || fail "the engine's own network $network has $now iptables rules for $own, had $own_rules"
docker network inspect "$network" >/dev/null || fail "the engine's own network $network is gone"
echo "PASS: start removed the stale bridge's 2 rules and the bridge; kept $now rules of $network"
