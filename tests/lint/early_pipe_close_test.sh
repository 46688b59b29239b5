#!/usr/bin/env bash
# No pipeline in the project's shell (scripts, and the libraries they source, run under
# `set -o pipefail`) ends in a reader that stops early: `| head` or `| grep -q/-l/-m`.
# Such a reader exits after its first match, and the writer before it dies of SIGPIPE if it
# writes again (kubectl writes one line per write), so the pipeline
# fails (141) or not depending on scheduling: a check that passes here and fails on a busier
# machine, or `set -e` ending a script in the middle. Read the whole input instead:
# `sed -n '1,Np'`, `awk`, or capture the output first and grep a here-string.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

early_close='\|[[:space:]]*(head([[:space:]]|$)|grep([[:space:]]+-[^[:space:]|]+)*[[:space:]]+(-[[:alpha:]]*[qlm][[:alpha:]]*[0-9]*([[:space:]]|$)|--quiet|--silent|--max-count|--files-with-matches))'
found=0
checked=0
while IFS= read -r -d '' file; do
  checked=$((checked + 1))
  # Comment lines are prose; `||` is not a pipe.
  while IFS=: read -r line _; do
    printf '%s:%s: %s\n' "$file" "$line" "$(sed -n "${line}p" "$file")" >&2
    found=$((found + 1))
  done < <(sed 's/||/  /g' "$file" | grep -nE "$early_close" | grep -vE '^[0-9]+:[[:space:]]*#')
done < <(git ls-files -z -- '*.sh' 'tests/cluster/cluster' '.ci/run')

((checked > 40)) || { echo "FAIL: only $checked shell scripts found; is this the repository root?" >&2; exit 1; }
if ((found > 0)); then
  echo "FAIL: $found pipelines end in a reader that stops early (head, grep -q/-l/-m);" \
    "the writer may die of SIGPIPE and fail the pipeline. Read the whole input (sed -n '1,Np', awk," \
    "or a here-string)." >&2
  exit 1
fi
echo "PASS: $checked shell scripts, no pipeline ends in an early-closing reader"
