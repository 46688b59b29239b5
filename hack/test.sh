#!/usr/bin/env bash
# The README's test command: installs what the tests need, builds everything, starts a real
# PostgreSQL on a temporary directory and a free loopback port, and runs every test with CTest.
# Extra arguments go to ctest (e.g. hack/test.sh -L unit).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
hack/install-deps.sh all

# The from-source Kubernetes that the cluster, integration and e2e tests run on: built once
# from the Go module proxy and cached by version (tens of minutes cold, under a second warm).
tests/cluster/build.sh
# The kind tests (label `kind`): a Docker engine (started when none answers) and the offline
# node image (kind, kubeadm, kube-router, local-path-provisioner, crictl; cached by version).
tests/kind/engine.sh start
tests/kind/build.sh >/dev/null

build="${MINITWIT_BUILD_DIR:-$root/build}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMINITWIT_BUILD_FUZZERS=ON
cmake --build "$build" -j "$(nproc)"

pgdir="$(mktemp -d /tmp/minitwit-test-pg.XXXXXX)"
trap '"$root/tests/support/postgres.sh" stop "$pgdir"; rm -rf "$pgdir"' EXIT
eval "$(tests/support/postgres.sh start "$pgdir")"

cd "$build"
# A label or regex that matches nothing is an error, not a green run.
ctest --output-on-failure --no-tests=error --timeout 1800 "$@"
