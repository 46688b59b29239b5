#!/usr/bin/env bash
# A flood of hostile requests against a MiniTwit on loopback, until SIGTERM or --seconds.
#   abuse-flood.sh HOST PORT [--slow N] [--oversized N] [--big-reads N] [--long-tweets N]
#                  [--rate R] [--seconds S]
# - slow: N connections that send a request body at one byte a second (a slow request that
#   holds a connection); they reopen when the server closes them.
# - oversized: N loops posting 2 MiB bodies (the app answers 413 after its body limit).
# - big-reads: N loops asking GET /msgs?no=100000 (the app caps the rows).
# - long-tweets: N loops posting tweets of 65,000 bytes (over the message limit: 413).
# Each loop sends at most R requests a second (10); a loop is one curl process running many
# transfers, so the flood costs the machine little CPU of its own. Prints one JSON line at
# the end: answers by kind and status (000: no answer).
set -uo pipefail
host="$1" port="$2"; shift 2
slow=200 oversized=4 big_reads=4 long_tweets=4 rate=10 seconds=3600
while (($#)); do
  case "$1" in
    --slow) slow="$2" ;; --oversized) oversized="$2" ;; --big-reads) big_reads="$2" ;;
    --long-tweets) long_tweets="$2" ;; --rate) rate="$2" ;; --seconds) seconds="$2" ;;
    *) echo "usage: $0 HOST PORT [--slow N] [--oversized N] [--big-reads N] [--long-tweets N] [--rate R] [--seconds S]" >&2
       exit 2 ;;
  esac
  shift 2
done
base="http://$host:$port"
work="$(mktemp -d /tmp/abuse-flood.XXXXXX)"
{ printf '{"content":"'; head -c $((2 << 20)) /dev/zero | tr '\0' x; printf '"}'; } >"$work/oversized.json"
{ printf '{"content":"'; head -c 65000 /dev/zero | tr '\0' y; printf '"}'; } >"$work/long-tweet.json"
{ printf '{"content":"'; head -c 4000 /dev/zero | tr '\0' z; printf '"}'; } >"$work/slow.json"

# transfers FILE URL COUNT: a curl config of COUNT transfers of URL, bodies discarded.
transfers() {
  local i
  for ((i = 0; i < $3; i++)); do printf 'url = "%s"\noutput = "/dev/null"\n' "$2"; done >"$1"
}
transfers "$work/slow.cfg" "$base/msgs/flood" "$slow"
transfers "$work/posts.cfg" "$base/msgs/flood" 1000
transfers "$work/reads.cfg" "$base/msgs?no=100000" 1000

auth='Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh'
# repeat NAME CURL_ARGS...: runs curl again and again; each answer's status goes to a log of
# this loop's own (NAME-PID.log: curl writes a status in pieces, so loops never share a file).
repeat() {
  local name="$1"; shift
  while :; do
    # Statuses go to stderr, which curl does not buffer: a killed curl loses none.
    curl -s --no-progress-meter -H "$auth" -H 'Connection: close' -w '%{stderr}%{http_code}\n' "$@" \
      2>>"$work/$name-$BASHPID.log" >/dev/null
    sleep 0.05
  done
}
# loops NAME COUNT CURL_ARGS...: COUNT loops of serial transfers, each at most `rate` a second.
loops() {
  local name="$1" count="$2" n; shift 2
  for ((n = 0; n < count; n++)); do repeat "$name" --rate "$rate/s" "$@" & pids+=($!); done
}
pids=()
if ((slow > 0)); then
  repeat slow -Z --parallel-immediate --parallel-max "$slow" --max-time 600 --limit-rate 1 \
    -H 'Content-Type: application/json' --data-binary "@$work/slow.json" -K "$work/slow.cfg" &
  pids+=($!)
fi
loops oversized "$oversized" --max-time 30 -H 'Content-Type: application/json' \
  --data-binary "@$work/oversized.json" -K "$work/posts.cfg"
loops big_reads "$big_reads" --max-time 30 -K "$work/reads.cfg"
loops long_tweets "$long_tweets" --max-time 30 -H 'Content-Type: application/json' \
  --data-binary "@$work/long-tweet.json" -K "$work/posts.cfg"

timer=""
finish() {
  trap - TERM INT
  # The streams, their curls and the timer.
  pkill -TERM -P "$(IFS=,; echo "${pids[*]}")" 2>/dev/null
  kill "${pids[@]}" $timer 2>/dev/null
  wait 2>/dev/null
  # {"oversized_413": 120, "big_reads_200": 40, "slow_000": 200, ...}
  for log in "$work"/*.log; do
    [[ -f "$log" ]] || continue
    awk -v kind="$(basename "${log%-*}")" '{print kind "_" $1}' "$log"
  done | sort | uniq -c | awk '{print $2, $1}' | jq -Rn '[inputs | split(" ") | {(.[0]): (.[1] | tonumber)}] | add // {}' -c
  rm -rf "$work"
  exit 0
}
trap finish TERM INT
sleep "$seconds" &
timer=$!
wait "$timer"
finish
