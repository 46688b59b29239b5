#!/usr/bin/env bash
# A flood of hostile requests against a MiniTwit on loopback, until SIGTERM or --seconds.
#   abuse-flood.sh HOST PORT [--slow N] [--oversized N] [--big-reads N] [--long-tweets N] [--seconds S]
# - slow: N connections that send a request one header byte a second (slowloris); each
#   reopens when the server closes it.
# - oversized: N loops posting 2 MiB bodies (the app answers 413 after its body limit).
# - big-reads: N loops asking GET /msgs?no=100000 (the app caps the rows).
# - long-tweets: N loops posting tweets of 64 KiB - 1 (over the message limit: 413).
# Prints one JSON line of counts at the end: answers by status and errors per kind.
set -uo pipefail
host="$1" port="$2"; shift 2
slow=200 oversized=4 big_reads=4 long_tweets=4 seconds=3600
while (($#)); do
  case "$1" in
    --slow) slow="$2" ;; --oversized) oversized="$2" ;; --big-reads) big_reads="$2" ;;
    --long-tweets) long_tweets="$2" ;; --seconds) seconds="$2" ;;
    *) echo "usage: $0 HOST PORT [--slow N] [--oversized N] [--big-reads N] [--long-tweets N] [--seconds S]" >&2; exit 2 ;;
  esac
  shift 2
done
auth='Authorization: Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh'
work="$(mktemp -d /tmp/abuse-flood.XXXXXX)"
{ printf '{"content":"'; head -c $((2 << 20)) /dev/zero | tr '\0' x; printf '"}'; } >"$work/oversized.json"
{ printf '{"content":"'; head -c 65000 /dev/zero | tr '\0' y; printf '"}'; } >"$work/long-tweet.json"

# request_loop NAME CURL_ARGS...: one request at a time; each answer's status (000: no
# answer) goes to NAME's log. Pauses a moment after a failure, as a client would.
request_loop() {
  local name="$1"; shift
  local code
  while :; do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -H 'Connection: close' "$@" 2>/dev/null)"
    echo "$code" >>"$work/$name.log"
    [[ "$code" == 000 ]] && sleep 0.05
  done
}

slow_connection() {
  local request i
  request="GET /public HTTP/1.1"$'\r\n'"Host: x"$'\r\n'"X-Slow: $(head -c 4000 /dev/zero | tr '\0' a)"$'\r\n\r\n'
  while :; do
    if exec 3<>"/dev/tcp/$host/$port"; then
      echo opened >>"$work/slow.log"
      for ((i = 0; i < ${#request}; i++)); do
        printf '%s' "${request:i:1}" >&3 2>/dev/null || break
        sleep 1  # the attack itself: one byte a second
      done
      exec 3>&-
      echo closed_by_server >>"$work/slow.log"
    fi
    sleep 0.1
  done
}

pids=()
for ((n = 0; n < slow; n++)); do slow_connection & pids+=($!); done
base="http://$host:$port"
for ((n = 0; n < oversized; n++)); do
  request_loop oversized -H "$auth" -H 'Content-Type: application/json' --data-binary "@$work/oversized.json" "$base/msgs/flood" &
  pids+=($!)
done
for ((n = 0; n < big_reads; n++)); do request_loop big_reads -H "$auth" "$base/msgs?no=100000" & pids+=($!); done
for ((n = 0; n < long_tweets; n++)); do
  request_loop long_tweets -H "$auth" -H 'Content-Type: application/json' --data-binary "@$work/long-tweet.json" "$base/msgs/flood" &
  pids+=($!)
done

finish() {
  trap - TERM INT
  kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  # {"oversized_413": 120, "big_reads_200": 40, "slow_opened": 210, ...}
  for log in "$work"/*.log; do
    [[ -f "$log" ]] || continue
    sort "$log" | uniq -c | awk -v kind="$(basename "$log" .log)" '{print kind "_" $2, $1}'
  done | jq -Rn '[inputs | split(" ") | {(.[0]): (.[1] | tonumber)}] | add // {}' -c
  rm -rf "$work"
  exit 0
}
trap finish TERM INT
sleep "$seconds" & wait $!
finish
