#!/usr/bin/env bash
# Benchmarks the MiniTwit app the way the course simulator drives it, next to a pgbench
# ceiling of the same SQL. Builds Release in its own build dir, starts its own Postgres and
# app on free loopback ports, and prints: workload | app req/s | p50 | p99 | errors |
# pgbench tps | ratio, then the targets (0 errors and every request < 300 ms; concurrent
# writes >= half the ceiling; p99 < 20 ms at 32 clients). Exit 1 when a target is missed.
#
#   tests/bench/bench-app.sh
# Environment (defaults): BENCH_BUILD_DIR (build-bench), BENCH_USERS (32), BENCH_READS (20000),
#   BENCH_PGBENCH_SECONDS (10), BENCH_STEP_TIMEOUT (900 s per replay), BENCH_OUT (results dir),
#   DB_POOL_SIZE (10, the app's default), HTTP_THREADS (app default), BENCH_SCENARIO (file).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

build="${BENCH_BUILD_DIR:-$root/build-bench}"
users="${BENCH_USERS:-32}"
reads="${BENCH_READS:-20000}"
pg_seconds="${BENCH_PGBENCH_SECONDS:-10}"
step_timeout="${BENCH_STEP_TIMEOUT:-900}"
pool="${DB_POOL_SIZE:-10}"
out="${BENCH_OUT:-$build/bench-results/$(date -u +%Y%m%dT%H%M%SZ)}"
pg_users=200  # as many users as the course scenario registers

scenario="${BENCH_SCENARIO:-$root/../shared/data/minitwit_scenario.csv}"
if [[ -f "$scenario" ]]; then
  source_args=(--scenario "$scenario")
else
  source_args=(--generate 25922)
fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"  # other work on the machine skews every figure
echo "== build (Release, $build)" >&2
mkdir -p "$build"
# Only the app and the client are built, so unrelated test targets cannot break the bench.
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMINITWIT_BUILD_TESTS=OFF \
  >"$build/bench-cmake.log" 2>&1 || { cat "$build/bench-cmake.log" >&2; exit 1; }
cmake --build "$build" --target minitwit minitwit-sim -j2 >&2
app_bin="$build/app/minitwit"
sim_bin="$build/tests/bench/sim/minitwit-sim"
mkdir -p "$out"

pgdir="$(mktemp -d /tmp/minitwit-bench-pg.XXXXXX)"
app_pid=""
stop_app() {
  if [[ -n "$app_pid" ]]; then
    kill -TERM "$app_pid" 2>/dev/null || true
    wait "$app_pid" 2>/dev/null || true
    app_pid=""
  fi
}
cleanup() { stop_app; tests/support/postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"; }
trap cleanup EXIT
eval "$(tests/support/postgres.sh start "$pgdir")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_app DB: a fresh database and an app serving it; sets $url.
start_app() {
  local db="$1" port
  createdb "$db"
  port="$(free_port)"
  url="http://127.0.0.1:$port"
  DATABASE_URL="postgresql://postgres@127.0.0.1:$PGPORT/$db" PORT="$port" BIND_ADDRESS=127.0.0.1 \
    SESSION_SECRET="bench-secret-not-for-production-0123456789" LOG_LEVEL=warn DB_POOL_SIZE="$pool" \
    "$app_bin" >"$out/app-$db.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 300); do
    curl -fsS "$url/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$app_pid" 2>/dev/null || { cat "$out/app-$db.log" >&2; echo "app exited" >&2; exit 1; }
    sleep 0.1
  done
  echo "app not ready after 30 s" >&2; cat "$out/app-$db.log" >&2; exit 1
}

# replay NAME ARGS...: runs minitwit-sim with --json into $out/NAME.json; errors do not stop the bench.
replay() {
  local name="$1"; shift
  echo "== $name: minitwit-sim $*" >&2
  timeout "$step_timeout" "$sim_bin" --url "$url" --json --max-errors 1000000000 "$@" >"$out/$name.json" \
    || echo "   (minitwit-sim exit $?)" >&2
  jq -r '.phases | to_entries[] | "   \(.key): \(.value.requests) req, \(.value.requests_per_s) req/s, p50 \(.value.latency_ms.p50) ms, p99 \(.value.latency_ms.p99) ms, max \(.value.latency_ms.max) ms, errors \(.value.errors.total)"' \
    "$out/$name.json" >&2 || true
}

start_app bench_seq
replay seq "${source_args[@]}" --users 1
stop_app

# Resident memory of the app, idle and after work (argon2's 19 MiB work areas stayed with
# malloc once; every autoscaled replica pays what stays).
rss() { awk '/^VmRSS:/ {r=$2} /^RssAnon:/ {a=$2} END {printf "%.1f MiB (anonymous %.1f MiB)", r/1024, a/1024}' "/proc/$app_pid/status"; }
start_app bench_c32
rss_idle="$(rss)"
replay c32 "${source_args[@]}" --users "$users"
rss_after="$(rss)"
replay tweet "${source_args[@]}" --users "$users" --only tweet
replay follow "${source_args[@]}" --users "$users" --only follow,unfollow
replay reads --limit 0 --read-mix "$reads" --users "$users"
replay reads-ka --limit 0 --read-mix "$reads" --users "$users" --keep-alive
# 200 new users registering at once (the course sends registers one at a time): argon2's cost.
replay register --generate 25922 --seed 77 --only register --users "$users" --register-users "$users"
stop_app

# pgbench on the database the concurrent run left behind (real users, messages, follows).
export PGDATABASE=bench_c32
psql -q -v ON_ERROR_STOP=1 -v users="$pg_users" -f tests/bench/pgbench/seed.sql >/dev/null
pgbench_tps() {  # pgbench_tps NAME CLIENTS SCRIPT@WEIGHT...
  local name="$1" clients="$2"; shift 2
  local args=()
  for script in "$@"; do args+=(-f "tests/bench/pgbench/$script"); done
  echo "== pgbench $name -c $clients: $*" >&2
  pgbench -n -M prepared -c "$clients" -j 2 -T "$pg_seconds" -D users="$pg_users" "${args[@]}" \
    >"$out/pgbench-$name.txt" 2>&1 || { cat "$out/pgbench-$name.txt" >&2; echo 0; return; }
  awk '/^tps = / && !seen++ { printf "%.1f\n", $3 }' "$out/pgbench-$name.txt"
}
# Weights: the course scenario's 11,306 tweets, 9,751 follows, 4,665 unfollows.
mix=(tweet.sql@11306 follow.sql@9751 unfollow.sql@4665)
tps_mix1="$(pgbench_tps mix-c1 1 "${mix[@]}")"
tps_mix="$(pgbench_tps mix "$users" "${mix[@]}")"
tps_tweet="$(pgbench_tps tweet "$users" tweet.sql)"
tps_follow="$(pgbench_tps follow "$users" follow.sql@9751 unfollow.sql@4665)"
tps_reads="$(pgbench_tps reads "$users" read_msgs.sql read_public.sql)"

field() { jq -r "$2" "$out/$1.json" 2>/dev/null || echo "?"; }
row() {  # row LABEL RESULT PATH TPS   (PATH: a phase or stage object in the result JSON)
  local rps p50 p99 errors ratio
  rps="$(field "$2" "$3.requests_per_s | . * 10 | round / 10")"
  p50="$(field "$2" "$3.latency_ms.p50")"
  p99="$(field "$2" "$3.latency_ms.p99")"
  errors="$(field "$2" "$3.errors | if type == \"object\" then .total else . end")"
  ratio="$(awk -v a="$rps" -v b="$4" 'BEGIN { if (b > 0 && a + 0 == a) printf "%.2f", a / b; else print "-" }')"
  printf '%-34s | %9s | %7s | %7s | %6s | %12s | %5s\n' "$1" "$rps" "$p50" "$p99" "$errors" "$4" "$ratio"
}
{
  echo
  echo "MiniTwit bench: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average at start $load_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "DB_POOL_SIZE=$pool, ${source_args[*]}"
  printf '%-34s | %9s | %7s | %7s | %6s | %12s | %5s\n' workload "app req/s" "p50 ms" "p99 ms" errors "pgbench tps" ratio
  printf '%s\n' "-----------------------------------+-----------+---------+---------+--------+--------------+------"
  row "scenario, 1 user (course order)" seq .phases.scenario "$tps_mix1"
  row "scenario, $users users: all" c32 .phases.scenario "-"
  row "  registers stage (sequential)" c32 .phases.scenario.stages.registers "-"
  row "  activity stage ($users users)" c32 .phases.scenario.stages.activity "$tps_mix"
  row "insert-message (tweet), $users users" tweet .phases.scenario.stages.activity "$tps_tweet"
  row "follow/unfollow, $users users" follow .phases.scenario.stages.activity "$tps_follow"
  row "read timeline (msgs+public), $users" reads .phases.reads "$tps_reads"
  row "  same, keep-alive" reads-ka .phases.reads "$tps_reads"
  row "register (argon2), $users at once" register .phases.scenario.stages.registers "-"
  echo "(pgbench: same statements, -M prepared, -c as the app's clients, ${pg_seconds} s each; ratio = app / pgbench)"
  echo "(reads: the app answers from its public-timeline cache, dropped on every NOTIFY; pgbench runs the query each time)"
  echo "app resident memory: idle $rss_idle; after the $users-user scenario $rss_after"
} | tee "$out/table.txt"

# Targets.
check() {  # check DESCRIPTION CONDITION
  if [[ "$2" == 1 ]]; then echo "PASS  $1"; else echo "FAIL  $1"; fi
}
ok_run() { jq -r '(.errors_total == 0 and .phases.scenario.over_budget == 0 and .latest.match) | if . then 1 else 0 end' "$out/$1.json" 2>/dev/null || echo 0; }
{
  echo
  check "sequential scenario: 0 errors, every request < 300 ms (max $(field seq .phases.scenario.latency_ms.max) ms), /latest = last id" "$(ok_run seq)"
  check "$users-user scenario: 0 errors, every request < 300 ms (max $(field c32 .phases.scenario.latency_ms.max) ms), /latest = last id" "$(ok_run c32)"
  activity=.phases.scenario.stages.activity
  check "concurrent writes >= half the pgbench ceiling ($(field c32 $activity.requests_per_s) req/s vs $tps_mix tps)" \
    "$(awk -v a="$(field c32 $activity.requests_per_s)" -v b="$tps_mix" 'BEGIN { print (b > 0 && a >= b / 2) ? 1 : 0 }')"
  check "p99 < 20 ms at $users clients: writes $(field c32 $activity.latency_ms.p99) ms, reads $(field reads .phases.reads.latency_ms.p99) ms" \
    "$(awk -v a="$(field c32 $activity.latency_ms.p99)" -v b="$(field reads .phases.reads.latency_ms.p99)" 'BEGIN { print (a + 0 == a && b + 0 == b && a < 20 && b < 20) ? 1 : 0 }')"
  echo "results: $out"
} | tee -a "$out/table.txt"
grep -q '^FAIL' "$out/table.txt" && exit 1
exit 0
