#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds everything, starts a real
# PostgreSQL on a temporary directory and a free loopback port, and runs every test with CTest.
# Extra arguments go to ctest (e.g. hack/test.sh -L unit).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
hack/install-deps.sh all

# The Go components the cluster, kind, monitoring and e2e tests run on, built from the Go
# module proxy and cached by version (tens of minutes cold, under a second warm), in the
# background while the C++ compiles: a cold run spends much of its time downloading modules.
# What the first cluster tests need (Kubernetes, etcd, CoreDNS, metrics-server, helm) is
# waited for before the tests start; the rest (Prometheus; kind, kubeadm, kube-router,
# local-path-provisioner, crictl, the Docker engine and kind's offline node image) goes on
# at low priority while the tests run: a test that needs one of them before it is done
# waits for it (tests/cluster/build.sh and tests/kind/build.sh let one build run at a time).
prepared="$(mktemp /tmp/minitwit-test-prepared.XXXXXX)"; rm -f "$prepared"
(
  tests/cluster/build.sh kubernetes coredns metrics-server helm
  touch "$prepared"
  nice -n 10 tests/cluster/build.sh prometheus kind kubeadm kube-router local-path-provisioner crictl
  tests/kind/engine.sh start
  nice -n 10 tests/kind/build.sh >/dev/null
) &
prepare_pid=$!
# On the way out: the preparation and every process it started (a failed build must not
# leave compilers running behind the run).
stop_preparation() {
  local pids=("$prepare_pid") i=0
  while ((i < ${#pids[@]})); do
    mapfile -t -O "${#pids[@]}" pids < <(pgrep -P "${pids[i]}" || true)
    i=$((i + 1))
  done
  kill "${pids[@]}" 2>/dev/null || true
}
trap stop_preparation EXIT

build="${MINITWIT_BUILD_DIR:-$root/build}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINITWIT_BUILD_FUZZERS=ON
cmake --build "$build" -j "$(nproc)"
until [[ -f "$prepared" ]]; do
  kill -0 "$prepare_pid" 2>/dev/null || { wait "$prepare_pid" || true; echo "hack/test.sh: building the cluster components failed" >&2; exit 1; }
  sleep 1
done
rm -f "$prepared"

pgdir="$(mktemp -d /tmp/minitwit-test-pg.XXXXXX)"
trap 'stop_preparation; "$root/tests/support/postgres.sh" stop "$pgdir"; rm -rf "$pgdir"' EXIT
eval "$(tests/support/postgres.sh start "$pgdir")"

cd "$build"
# A label or regex that matches nothing is an error, not a green run.
rc=0
ctest --output-on-failure --no-tests=error --timeout 1800 "$@" || rc=$?
# The background preparation is done by now (the kind tests waited for it) unless no test
# needed it; a failure there fails the run even so.
wait "$prepare_pid" || { echo "hack/test.sh: preparing Prometheus, kind or the Docker engine failed" >&2; rc=1; }
exit "$rc"
