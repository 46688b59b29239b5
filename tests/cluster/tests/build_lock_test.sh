#!/usr/bin/env bash
# tests/cluster/build.sh run twice at once for the same component (hack/test.sh builds in the
# background while a test may already ask for it): one builds, the other waits and then finds
# it cached; both print the same binaries' directory and the binary works. A fresh cache
# directory, so the build really runs (kind: a small module, seconds with a warm Go cache).
set -euo pipefail
test_name=build-lock
# shellcheck source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

work="$(mktemp -d /tmp/minitwit-build-lock.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export MINITWIT_CLUSTER_CACHE="$work/cache"

"$cluster_dir/build.sh" --bin-dir kind >"$work/first.out" 2>"$work/first.err" &
first=$!
# The second starts as soon as the first holds the lock (it logs just after taking it, and
# resolving and compiling the module take seconds more).
for ((i = 0; i < 1200; i++)); do grep -q "resolving modules" "$work/first.err" && break; sleep 0.05; done
grep -q "resolving modules" "$work/first.err" || fail "the first build did not start within a minute: $(cat "$work/first.err")"
"$cluster_dir/build.sh" --bin-dir kind >"$work/second.out" 2>"$work/second.err" || fail "the second build failed: $(cat "$work/second.err")"
wait "$first" || fail "the first build failed: $(cat "$work/first.err")"

grep -q "built in" "$work/first.err" || fail "the first caller did not build: $(cat "$work/first.err")"
grep -q "waiting for it" "$work/second.err" || fail "the second caller did not wait: $(cat "$work/second.err")"
grep -q "cached" "$work/second.err" || fail "the second caller did not find the build cached: $(cat "$work/second.err")"
! grep -q "compiling" "$work/second.err" || fail "the second caller compiled too: $(cat "$work/second.err")"
dir="$(cat "$work/first.out")"
[[ "$dir" == "$(cat "$work/second.out")" ]] || fail "the two callers print different directories"
[[ "$dir" == "$MINITWIT_CLUSTER_CACHE/kind-"*"/bin" ]] || fail "unexpected binaries' directory $dir"
"$dir/kind" version >/dev/null || fail "the built kind does not run"
say "PASS: the second build waited for the first and found it cached ($dir)"
