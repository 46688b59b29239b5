#!/usr/bin/env bash
# Installs every Debian package the project builds, runs and tests with. Idempotent and
# quick when everything is present: apt runs only for packages that are missing.
# Usage: hack/install-deps.sh [build|test|cluster|all]   (default: all)
set -euo pipefail
profile="${1:-all}"

build_pkgs=(build-essential cmake ninja-build pkg-config git
  libboost-dev libboost-system-dev libssl-dev libcpprest-dev libpqxx-dev libpq-dev
  libyaml-cpp-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libargon2-dev
  libgtest-dev libgmock-dev)
test_pkgs=(postgresql postgresql-contrib curl clang libclang-rt-14-dev chromium
  python3-venv procps iproute2)
cluster_pkgs=(golang-go containerd runc containernetworking-plugins iptables conntrack socat
  ethtool openssl kmod util-linux busybox-static jq mmdebstrap)

pkgs=("${build_pkgs[@]}")
case "$profile" in
  build) ;;
  test) pkgs+=("${test_pkgs[@]}") ;;
  cluster) pkgs+=("${cluster_pkgs[@]}") ;;
  all) pkgs+=("${test_pkgs[@]}" "${cluster_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|cluster|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  # A Go toolchain already on PATH (newer than Debian's) is good enough for the cluster build.
  if [[ "$p" == golang-go ]] && command -v go >/dev/null; then continue; fi
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=(); [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
