#!/usr/bin/env bash
# Ctrl-C and SIGTERM on a real minitwit-sim process in open loop: it stops at once, prints the
# partial summary, writes the time series so far and exits 128+signal. The target is a closed
# loopback port, so every request fails fast and the run would otherwise last 60 s.
#   interrupt_test.sh MINITWIT_SIM
set -euo pipefail
sim="${1:?usage: interrupt_test.sh MINITWIT_SIM}"
[[ -x "$sim" ]] || { echo "FAIL: no minitwit-sim at $sim" >&2; exit 1; }
command -v jq >/dev/null || { echo "FAIL: jq not found (Debian package jq)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

port=1  # tcpmux: nothing listens on it on loopback

check() {  # check SIGNAL EXPECTED_EXIT
  local signal="$1" want="$2" pid rc=0 start elapsed mask bit
  "$sim" --url "http://127.0.0.1:$port" --generate 200 --rate 50 --duration 60s --json --quiet \
    --timeseries "$work/$signal.csv" >"$work/$signal.json" 2>"$work/$signal.err" &
  pid=$!
  # The condition: the process has its handler for the signal (SigCgt), not a fixed sleep.
  bit=$((signal == 2 ? 1 : 14))
  for ((i = 0; i < 200; i++)); do
    mask="$(awk '/^SigCgt/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
    [[ -n "$mask" ]] && (((16#$mask >> bit) & 1)) && break
    sleep 0.01
  done
  start="$(date +%s%3N)"
  kill "-$signal" "$pid"
  wait "$pid" || rc=$?
  elapsed=$(($(date +%s%3N) - start))
  [[ "$rc" == "$want" ]] || { echo "FAIL: signal $signal: exit $rc, want $want" >&2; cat "$work/$signal.err" >&2; exit 1; }
  ((elapsed < 3000)) || { echo "FAIL: signal $signal: took $elapsed ms to stop" >&2; exit 1; }
  grep -q "stopped by signal $signal; the summary above is partial" "$work/$signal.err" \
    || { echo "FAIL: signal $signal: no partial-summary notice" >&2; cat "$work/$signal.err" >&2; exit 1; }
  jq -e '.errors_total >= 0 and (.latest.error | startswith("not checked"))' "$work/$signal.json" >/dev/null \
    || { echo "FAIL: signal $signal: the partial JSON summary is missing" >&2; cat "$work/$signal.json" >&2; exit 1; }
  [[ "$(head -n1 "$work/$signal.csv")" == t,unix_time,target_rps,sent,ok* ]] \
    || { echo "FAIL: signal $signal: no time series written" >&2; exit 1; }
  echo "ok   signal $signal: exit $rc after $elapsed ms"
}
check 2 130
check 15 143
