#!/usr/bin/env bash
# check-dashboard.sh PROM_URL DASHBOARD.json: runs every panel query of the dashboard
# (variables substituted by dashboard-queries.sh) against Prometheus' /api/v1/query and
# fails naming each panel whose query errors or returns no series.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 2 && -f "$2" ]] || { echo "usage: $0 PROM_URL DASHBOARD.json" >&2; exit 2; }
prom="${1%/}" dashboard="$2"
queries="$("$here/dashboard-queries.sh" "$dashboard")"
[[ -n "$queries" ]] || { echo "FAIL: no panel query in $dashboard" >&2; exit 1; }
total=0 bad=0
while IFS=$'\t' read -r title ref expr; do
  total=$((total + 1))
  answer="$(curl -sS --max-time 10 -G "$prom/api/v1/query" --data-urlencode "query=$expr" 2>&1)" || {
    echo "FAIL: panel '$title' ($ref): Prometheus did not answer: $answer" >&2; bad=$((bad + 1)); continue; }
  status="$(jq -r '.status // "unparsable"' <<<"$answer" 2>/dev/null || echo unparsable)"
  if [[ "$status" != success ]]; then
    echo "FAIL: panel '$title' ($ref): query error: $(jq -r '.error // .' <<<"$answer" 2>/dev/null || echo "$answer")" >&2
    echo "      $expr" >&2
    bad=$((bad + 1))
  elif [[ "$(jq '.data.result | length' <<<"$answer")" == 0 ]]; then
    echo "FAIL: panel '$title' ($ref): no series: $expr" >&2
    bad=$((bad + 1))
  else
    echo "ok   panel '$title' ($ref): $(jq '.data.result | length' <<<"$answer") series"
  fi
done <<<"$queries"
if ((bad > 0)); then
  echo "FAIL: $bad of $total dashboard queries errored or returned nothing ($dashboard)" >&2
  exit 1
fi
echo "all $total dashboard queries return series"
