#!/usr/bin/env bash
# A database that vanishes without a word: the app runs in a network namespace of its own,
# Postgres outside it behind a veth pair, and an iptables DROP rule in the namespace
# swallows every packet between them for 30 s (no reset, no ICMP: a dead node or a cut
# route). Writes and /healthz are sent all along; the test reports
#   - seconds from the drop until requests get 503 (not a hang),
#   - the longest /healthz answer meanwhile,
#   - seconds from the heal until a write succeeds again,
# and fails when a write went unanswered for 15 s (before: the kernel's retransmissions
# held it for minutes), a probe failed, or the app did not recover.
#   blackhole_test.sh MINITWIT_BINARY        (root; ip, iptables, curl, PostgreSQL server)
set -euo pipefail
app_bin="${1:?usage: blackhole_test.sh MINITWIT_BINARY}"
outage_s="${BLACKHOLE_SECONDS:-30}"

fail() { echo "FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || fail "needs root (network namespaces and iptables); CI runs as root"
for tool in ip iptables curl; do command -v "$tool" >/dev/null || fail "$tool not found (hack/install-deps.sh test)"; done
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bindir/initdb" ]] || fail "PostgreSQL server binaries not found (hack/install-deps.sh test)"
[[ -x "$app_bin" ]] || fail "no app binary at $app_bin"

ns="mtbh$$"; host_if="mtbh$$h"; app_if="mtbh$$a"
host_ip=10.213.0.1; app_ip=10.213.0.2
work="$(mktemp -d /tmp/minitwit-blackhole.XXXXXX)"
app_pid=""; loops=()
cleanup() {
  for pid in "${loops[@]}" $app_pid; do kill "$pid" 2>/dev/null || true; done
  [[ -n "$app_pid" ]] && wait "$app_pid" 2>/dev/null || true
  [[ -f "$work/data/postmaster.pid" ]] && runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  ip netns del "$ns" 2>/dev/null || true  # takes the rules and the veth pair with it
  ip link del "$host_if" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

# The namespace and the link into it.
ip netns add "$ns"
ip link add "$host_if" type veth peer name "$app_if"
ip link set "$app_if" netns "$ns"
ip addr add "$host_ip/30" dev "$host_if"; ip link set "$host_if" up
ip -n "$ns" addr add "$app_ip/30" dev "$app_if"; ip -n "$ns" link set "$app_if" up; ip -n "$ns" link set lo up

# Postgres on the host side of the link.
chown postgres "$work"
runuser -u postgres -- "$bindir/initdb" -D "$work/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log"; fail "initdb"; }
echo "host all all $app_ip/32 trust" >>"$work/data/pg_hba.conf"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
runuser -u postgres -- "$bindir/pg_ctl" -D "$work/data" -l "$work/pg.log" -w -t 60 \
  -o "-p $pg_port -k $work -c listen_addresses=$host_ip -c fsync=off" start >/dev/null || { cat "$work/pg.log"; fail "postgres"; }

# The app inside the namespace.
ip netns exec "$ns" env DATABASE_URL="postgresql://postgres@$host_ip:$pg_port/postgres" PORT=5000 \
  SESSION_SECRET=blackhole-test-secret-0123456789 LOG_LEVEL=warn "$app_bin" >"$work/app.log" 2>&1 &
app_pid=$!
base="http://$app_ip:5000"
for _ in $(seq 1 200); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "$base/readyz" || true)" == 200 ]] && break
  sleep 0.1  # poll interval
done
[[ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "$base/readyz" || true)" == 200 ]] || { cat "$work/app.log"; fail "app not ready"; }
auth="Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "$auth" -H 'Content-Type: application/json' \
  -d '{"username":"bh","email":"bh@x","pwd":"pw"}' "$base/register")" == 204 ]] || fail "register"

# Writes and probes, ten a second each, every answer logged as "start_ms status seconds".
probe() {  # probe NAME CURL-ARGS...
  local name="$1"; shift
  while true; do
    local start; start=$(now_ms)
    local out; out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -m 15 "$@" || true)
    echo "$start ${out:-000 15}" >>"$work/$name"
    sleep 0.1  # pacing of the load, not a wait for a condition
  done
}
probe writes -H "$auth" -H 'Content-Type: application/json' -d '{"content":"x"}' "$base/msgs/bh" & loops+=($!)
probe health "$base/healthz" & loops+=($!)
sleep 2  # a baseline of served requests before the cut

drop_ms=$(now_ms)
ip netns exec "$ns" iptables -I OUTPUT -d "$host_ip" -p tcp --dport "$pg_port" -j DROP
ip netns exec "$ns" iptables -I INPUT -s "$host_ip" -p tcp --sport "$pg_port" -j DROP
sleep "$outage_s"  # the outage itself
heal_ms=$(now_ms)
ip netns exec "$ns" iptables -F
# Recovered: a write that started after the heal succeeded (bounded: 60 s).
for _ in $(seq 1 600); do
  awk -v h="$heal_ms" '$1 >= h && $2 == 204 {found=1} END {exit !found}' "$work/writes" 2>/dev/null && break
  sleep 0.1  # poll interval
done
sleep 1
for pid in "${loops[@]}"; do kill "$pid" 2>/dev/null || true; done
loops=()

to_503=$(awk -v d="$drop_ms" '$1 >= d && $2 == 503 {t = ($1 - d) / 1000 + $3; if (!m || t < m) m = t} END {print m ? m : "never"}' "$work/writes")
hung=$(awk -v d="$drop_ms" -v h="$heal_ms" '$1 >= d && $1 < h && $2 == "000" {n++} END {print n + 0}' "$work/writes")
max_health=$(awk -v d="$drop_ms" '$1 >= d {if ($3 > m) m = $3} END {print m + 0}' "$work/health")
bad_health=$(awk '$2 != 200 {n++} END {print n + 0}' "$work/health")
recover=$(awk -v h="$heal_ms" '$1 >= h && $2 == 204 {t = ($1 - h) / 1000 + $3; if (!m || t < m) m = t} END {print m ? m : "never"}' "$work/writes")
during=$(awk -v d="$drop_ms" -v h="$heal_ms" '$1 >= d && $1 < h {c[$2]++} END {for (s in c) printf "%s x%d ", s, c[s]}' "$work/writes")

echo "blackhole of ${outage_s}s between the app and Postgres:"
echo "  seconds until requests get 503:        $to_503"
echo "  longest /healthz answer (s):           $max_health   (non-200 probes: $bad_health)"
echo "  seconds to recover after the heal:     $recover"
echo "  writes during the outage by status:    $during(000 = no answer within 15 s: $hung)"

[[ "$to_503" != never ]] || { tail -20 "$work/app.log"; fail "no request got 503 during the outage (they hung)"; }
[[ "$hung" == 0 ]] || fail "$hung writes got no answer within 15 s: a silent network still holds requests"
[[ "$bad_health" == 0 ]] || fail "/healthz failed $bad_health times"
[[ "$recover" != never ]] || { tail -20 "$work/app.log"; fail "no write succeeded after the network healed"; }
awk -v m="$max_health" 'BEGIN {exit !(m < 1)}' || fail "/healthz took ${max_health}s, past kubelet's 1 s probe timeout"
echo "PASS"
