#!/usr/bin/env bash
# The course scenario while the app is under a flood of hostile requests, beside the same
# scenario without the flood, in one run. The flood (tests/bench/abuse-flood.sh): slowloris
# connections, 2 MiB bodies, ?no=100000 reads and over-long tweets. Prints for each run:
# requests, req/s, p50, p99, max, errors, and the app's resident memory; then the target
# (the flooded run: 0 errors and p99 within the simulator's 300 ms budget). Exit 1 if missed.
#
#   tests/bench/bench-abuse.sh
# Environment (defaults): BENCH_BUILD_DIR (build-bench), ABUSE_ACTIONS (5000), ABUSE_USERS (8),
#   ABUSE_SLOW (200 slow connections), ABUSE_LOOPS (4 loops of each other kind), ABUSE_RATE (10
#   requests a second per loop), BENCH_SCENARIO,
#   ABUSE_APP_BIN and ABUSE_SIM_BIN (use these binaries instead of building Release).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
build="${BENCH_BUILD_DIR:-$root/build-bench}"
actions="${ABUSE_ACTIONS:-5000}"
users="${ABUSE_USERS:-8}"
slow="${ABUSE_SLOW:-200}"
loops="${ABUSE_LOOPS:-4}"
rate="${ABUSE_RATE:-10}"
out="$build/bench-results/abuse-$(date -u +%Y%m%dT%H%M%SZ)"
scenario="${BENCH_SCENARIO:-$root/../shared/data/minitwit_scenario.csv}"
if [[ -f "$scenario" ]]; then source_args=(--scenario "$scenario"); else source_args=(--generate 25922); fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
mkdir -p "$build" "$out"
if [[ -n "${ABUSE_APP_BIN:-}" && -n "${ABUSE_SIM_BIN:-}" ]]; then  # binaries built elsewhere
  app_bin="$ABUSE_APP_BIN"; sim_bin="$ABUSE_SIM_BIN"
else
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMINITWIT_BUILD_TESTS=OFF \
    >"$build/bench-cmake.log" 2>&1 || { cat "$build/bench-cmake.log" >&2; exit 1; }
  cmake --build "$build" --target minitwit minitwit-sim -j2 >&2
  app_bin="$build/app/minitwit"
  sim_bin="$build/tests/bench/sim/minitwit-sim"
fi

pgdir="$(mktemp -d /tmp/minitwit-abuse-pg.XXXXXX)"
app_pid=""; flood_pid=""
stop_app() {
  [[ -n "$app_pid" ]] && { kill -TERM "$app_pid" 2>/dev/null || true; wait "$app_pid" 2>/dev/null || true; }
  app_pid=""
}
cleanup() {
  [[ -n "$flood_pid" ]] && kill "$flood_pid" 2>/dev/null || true
  stop_app; tests/support/postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"
}
trap cleanup EXIT
eval "$(tests/support/postgres.sh start "$pgdir")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_app() {  # start_app DB: sets $url and $port
  local db="$1"
  createdb "$db"
  port="$(free_port)"; url="http://127.0.0.1:$port"
  DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" PORT="$port" BIND_ADDRESS=127.0.0.1 \
    SESSION_SECRET="bench-secret-not-for-production-0123456789" LOG_LEVEL=warn "$app_bin" >"$out/app-$db.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1  # poll interval
  done
  echo "app not ready" >&2; cat "$out/app-$db.log" >&2; exit 1
}
rss() { awk '/^VmRSS:/ {r=$2} /^RssAnon:/ {a=$2} END {printf "%.1f MiB (anon %.1f)", r/1024, a/1024}' "/proc/$app_pid/status"; }
replay() {  # replay NAME
  timeout 900 "$sim_bin" --url "$url" --json --max-errors 1000000000 "${source_args[@]}" --limit "$actions" \
    --users "$users" >"$out/$1.json" || true
}
declare -A idle after
start_app abuse_base
idle[base]="$(rss)"
replay base
after[base]="$(rss)"
stop_app

start_app abuse_flood
curl -fsS -o /dev/null -H 'Content-Type: application/json' -d '{"username":"flood","email":"f@x","pwd":"pw"}' "$url/register"
idle[flood]="$(rss)"
tests/bench/abuse-flood.sh 127.0.0.1 "$port" --slow "$slow" --oversized "$loops" --big-reads "$loops" \
  --long-tweets "$loops" --rate "$rate" >"$out/flood-counts.json" 2>/dev/null &
flood_pid=$!
sleep 3  # let the flood build up before the scenario starts
replay flood
after[flood]="$(rss)"
kill -TERM "$flood_pid"; wait "$flood_pid" 2>/dev/null || true; flood_pid=""
stop_app

field() { jq -r "$2" "$out/$1.json" 2>/dev/null || echo "?"; }
row() {
  local p=.phases.scenario
  printf '%-26s | %6s | %8s | %6s | %6s | %6s | %6s | %-22s | %-22s\n' "$1" "$(field "$2" "$p.requests")" \
    "$(field "$2" "$p.requests_per_s | . * 10 | round / 10")" "$(field "$2" "$p.latency_ms.p50")" \
    "$(field "$2" "$p.latency_ms.p99")" "$(field "$2" "$p.latency_ms.max")" "$(field "$2" .errors_total)" \
    "${idle[$2]}" "${after[$2]}"
}
{
  echo
  echo "MiniTwit abuse bench: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "scenario: first $actions actions, $users users; flood: $slow slow connections, $loops loops at $rate/s each of 2 MiB bodies, ?no=100000, 64 KiB tweets"
  printf '%-26s | %6s | %8s | %6s | %6s | %6s | %6s | %-22s | %-22s\n' run requests "req/s" "p50 ms" "p99 ms" "max ms" errors "RSS idle" "RSS after"
  row "baseline (no flood)" base
  row "under the flood" flood
  echo "flood answers: $(cat "$out/flood-counts.json")"
  ok="$(jq -r '(.errors_total == 0 and .phases.scenario.latency_ms.p99 < 300) | if . then 1 else 0 end' "$out/flood.json" 2>/dev/null || echo 0)"
  if [[ "$ok" == 1 ]]; then echo "PASS  under the flood: 0 errors, p99 < 300 ms"; else echo "FAIL  under the flood: errors or p99 >= 300 ms"; fi
  echo "results: $out"
} | tee "$out/table.txt"
grep -q '^FAIL' "$out/table.txt" && exit 1
exit 0
