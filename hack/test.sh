#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds everything, starts a real
# PostgreSQL on a temporary directory and a free loopback port, and runs every test with CTest.
# Extra arguments go to ctest (e.g. hack/test.sh -L unit).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
hack/install-deps.sh all

# The Go components the cluster, kind, monitoring and e2e tests run on (Kubernetes, etcd,
# CoreDNS, metrics-server, helm, Prometheus; kind, kubeadm, kube-router, local-path-provisioner,
# crictl): built from the Go module proxy and cached by version (tens of minutes cold, under
# a second warm). They build in the background while the C++ compiles: a cold run spends
# much of its time downloading modules.
tests/cluster/build.sh kubernetes coredns metrics-server helm prometheus \
  kind kubeadm kube-router local-path-provisioner crictl &
components_pid=$!

build="${MINITWIT_BUILD_DIR:-$root/build}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINITWIT_BUILD_FUZZERS=ON
cmake --build "$build" -j "$(nproc)"
wait "$components_pid" || { echo "hack/test.sh: building the cluster components failed" >&2; exit 1; }

# The kind tests (label `kind`): a Docker engine (started when none answers) and the offline
# node image (cached by version).
tests/kind/engine.sh start
tests/kind/build.sh >/dev/null

pgdir="$(mktemp -d /tmp/minitwit-test-pg.XXXXXX)"
trap '"$root/tests/support/postgres.sh" stop "$pgdir"; rm -rf "$pgdir"' EXIT
eval "$(tests/support/postgres.sh start "$pgdir")"

cd "$build"
# A label or regex that matches nothing is an error, not a green run.
ctest --output-on-failure --no-tests=error --timeout 1800 "$@"
