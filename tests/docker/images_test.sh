#!/usr/bin/env bash
# The Dockerfile's images (tests/docker/build.sh), what users rely on:
#   - each runs as its fixed non-root numeric user (the chart's 65532, the operator's app
#     Deployments' 10001), with the entrypoint, port and environment of the tests/images
#     images, and holds no shell
#   - each is small: its size is printed beside the tests/images one, and stays within
#     16 MiB of it
#   - the app image, run read-only without capabilities against a test Postgres, migrates
#     it and answers /healthz, /readyz, /latest and /public; the operator image starts and
#     prints its usage as its user
# Usage: images_test.sh --minitwit PATH --operator PATH   (the binaries for the tests/images
#        images it compares with)
set -Eeuo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
source "$here/lib.sh"
test_name=docker-images
source "$repo_root/tests/e2e/lib/common.sh"
test_args "--minitwit PATH --operator PATH" "$@"
require_root
docker_require_engine

work="$(mktemp -d /tmp/minitwit-docker-images.XXXXXX)"
app_container=""
cleanup() {
  local rc=$?
  [[ -z "$app_container" ]] || { ((rc == 0)) || docker logs "$app_container" 2>&1 | tail -20 >&2; docker rm -f "$app_container" >/dev/null 2>&1; }
  "$repo_root/tests/support/postgres.sh" stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

t0=$SECONDS
app=minitwit.local/minitwit:docker operator=minitwit.local/minitwit-operator:docker
"$here/build.sh" --app-tag "$app" --operator-tag "$operator"
say "images built in $((SECONDS - t0)) s"
"$repo_root/tests/images/minitwit/build.sh" --binary "$minitwit_bin" --tag minitwit.local/minitwit:cmp \
  --out "$work/minitwit.tar" 2>/dev/null
"$repo_root/tests/images/operator.sh" --binary "$operator_bin" --tag minitwit.local/minitwit-operator:cmp \
  --out "$work/operator.tar" 2>/dev/null

# check_image IMAGE UID ENTRYPOINT PORT TESTS_IMAGES_TAR
check_image() {
  local image="$1" uid="$2" entrypoint="$3" port="$4" tar="$5" config size ref cid files
  config="$(docker image inspect -f '{{json .Config}}' "$image")"
  jq -e --arg user "$uid:$uid" '.User == $user' <<<"$config" >/dev/null ||
    fail "$image: Config.User is $(jq -c .User <<<"$config"), want $uid:$uid (numeric, non-root)"
  jq -e --arg ep "$entrypoint" --arg port "$port/tcp" '.Entrypoint == [$ep] and (.ExposedPorts | has($port))' \
    <<<"$config" >/dev/null || fail "$image: entrypoint/ports $(jq -c '{Entrypoint, ExposedPorts}' <<<"$config")"
  cid="$(docker create "$image")"
  files="$(docker export "$cid" | tar -t)"
  docker rm "$cid" >/dev/null
  ! grep -Eq '(^|/)(sh|bash|dash|busybox|apt-get|dpkg)$' <<<"$files" ||
    fail "$image holds a shell or package manager: $(grep -E '(^|/)(sh|bash|dash|busybox|apt-get|dpkg)$' <<<"$files" | tr '\n' ' ')"
  grep -q '^usr/share/doc/libc6/copyright$' <<<"$files" || fail "$image: the Debian copyright files are missing"
  size="$(docker image inspect -f '{{.Size}}' "$image")"
  ref="$(tar -xOf "$tar" --wildcards '*/layer.tar' | wc -c)"
  say "SIZE $image $(numfmt --to=iec "$size") (tests/images: $(numfmt --to=iec "$ref"))"
  ((size <= ref + 16 * 1024 * 1024)) || fail "$image is $(numfmt --to=iec "$size"), over 16 MiB above the tests/images one"
}
check_image "$app" 10001 /usr/local/bin/minitwit 5000 "$work/minitwit.tar"
check_image "$operator" 65532 /usr/local/bin/minitwit-operator 8080 "$work/operator.tar"
jq -e '.Env | index("PORT=5000") and index("BIND_ADDRESS=0.0.0.0")' \
  <<<"$(docker image inspect -f '{{json .Config}}' "$app")" >/dev/null || fail "$app: PORT/BIND_ADDRESS defaults"

# The operator binary loads its libraries and runs as its user under the chart's restrictions.
out="$(docker run --rm --read-only --cap-drop ALL --security-opt no-new-privileges "$operator" --help 2>&1)" ||
  fail "$operator --help: $out"
grep -q -- '--leader-elect' <<<"$out" || fail "$operator --help printed: $out"

# The app against a real Postgres, on the host's network (the test Postgres listens on loopback).
chmod 755 "$work"  # the test Postgres runs as the postgres user
pg_env="$("$repo_root/tests/support/postgres.sh" start "$work/pg")" || fail "the test Postgres did not start"
eval "$pg_env"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
app_container="$(docker run -d --network host --read-only --cap-drop ALL --security-opt no-new-privileges \
  -e DATABASE_URL="$MINITWIT_TEST_DATABASE_URL" -e PORT="$port" -e BIND_ADDRESS=127.0.0.1 \
  -e SESSION_SECRET=docker-images-test-secret "$app")"
url="http://127.0.0.1:$port"
for ((i = 0; i < 60; i++)); do curl -sf --max-time 1 "$url/readyz" >/dev/null && break; sleep 0.5; done
for path in /healthz /readyz /latest /public; do
  code="$(curl -s -o "$work/body" -w '%{http_code}' --max-time 5 "$url$path")"
  [[ "$code" == 200 ]] || fail "$app: GET $path answered $code: $(head -c 300 "$work/body")"
done
grep -qi '<!doctype html>' "$work/body" && grep -q 'Public Timeline' "$work/body" || fail "$app: /public is not the public timeline page: $(head -c 300 "$work/body")"
pid="$(docker inspect -f '{{.State.Pid}}' "$app_container")"
uids="$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")"
[[ "$uids" == "10001 10001 10001 10001" ]] || fail "$app: the process runs with uids $uids, want 10001"
say "PASS images: non-root numeric users, no shell, the app serves /healthz /readyz /latest /public against Postgres ($((SECONDS - t0)) s)"
