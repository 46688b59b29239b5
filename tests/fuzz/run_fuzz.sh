#!/usr/bin/env bash
# Runs the HTTP request fuzzer for a bounded time (FUZZ_SECONDS, default 60) over the seed
# corpus plus the corpus grown by earlier runs; fails on any crash, sanitizer report, leak
# or timeout. Crash inputs are kept in WORK_DIR/artifacts/.
#   run_fuzz.sh FUZZER_BIN SEED_CORPUS_DIR DICT WORK_DIR
set -euo pipefail
bin="${1:?usage: run_fuzz.sh FUZZER_BIN SEED_CORPUS_DIR DICT WORK_DIR}"
seeds="${2:?seed corpus}"; dict="${3:?dict}"; work="${4:?work dir}"

if [[ ! -x "$bin" ]]; then
  msg="fuzzer binary $bin was not built (needs clang++ and libclang-rt-14-dev; hack/install-deps.sh test)"
  echo "FAIL: $msg" >&2; exit 1
fi

mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
set +e
"$bin" "$work/corpus" "$seeds" \
  -dict="$dict" \
  -max_total_time="${FUZZ_SECONDS:-60}" \
  -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" 2>"$work/fuzz.log"
st=$?
set -e
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::new_units_added|INFO: Running with entropic|Done [0-9]+ runs)' "$work/fuzz.log" >&2 || true
if [[ $st -ne 0 ]]; then
  echo "FAIL: fuzzer exit $st; last 60 lines of $work/fuzz.log:" >&2
  tail -60 "$work/fuzz.log" >&2
  for f in "$work"/artifacts/*; do
    [[ -f "$f" ]] || continue
    echo "--- input $f (escaped, first 600 bytes):" >&2
    head -c 600 "$f" | od -An -c | tr -s ' ' | sed -n 1,20p >&2
  done
  exit 1
fi
echo "fuzz: no crash in ${FUZZ_SECONDS:-60} s" >&2
