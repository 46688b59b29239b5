#!/usr/bin/env bash
# Contract test: the simulator-API facts of MINITWIT.md (contract_facts.py), then
# schemathesis against docs/openapi.yaml, both against a real minitwit binary on its own
# database.
#   run_contract.sh MINITWIT_BIN OPENAPI_YAML WORK_DIR
# Env: MINITWIT_TEST_DATABASE_URL (required), CONTRACT_MAX_EXAMPLES (default 50),
#      CONTRACT_SEED (default fixed, so failures reproduce).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:?usage: run_contract.sh MINITWIT_BIN OPENAPI_YAML WORK_DIR}"
spec="${2:?openapi.yaml}"
work="${3:?work dir}"
# shellcheck source=app_harness.sh
source "$here/app_harness.sh"

harness_require_db
mkdir -p "$work"

# A venv under the build dir with the pinned tools; reinstalled only when requirements change.
venv="$work/venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/schemathesis" || "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
  py=/usr/bin/python3; [[ -x "$py" ]] || py="$(command -v python3)"
  rm -rf "$venv"
  "$py" -m venv "$venv" || harness_fail "python3 -m venv failed (install python3-venv)"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt" \
    || { echo "FAIL: pip install of tests/contract/requirements.txt failed" >&2; exit 1; }
  echo "$want" >"$stamp"
fi

harness_start_app "$bin" "$work"
harness_seed_simulator_users

echo "== contract facts (MINITWIT.md) ==" >&2
facts=0
"$venv/bin/python" "$here/contract_facts.py" "$APP_URL" || facts=$?

echo "== schemathesis ==" >&2
rm -rf "$work/report"
set +e
"$venv/bin/schemathesis" --config-file "$here/schemathesis.toml" run "$spec" \
  --url "$APP_URL" \
  --auth 'simulator:super_safe!' \
  --checks not_a_server_error,status_code_conformance,negative_data_rejection,response_schema_conformance,content_type_conformance,ignored_auth,unsupported_method,allow_header_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --mode "${CONTRACT_MODE:-all}" \
  --max-examples "${CONTRACT_MAX_EXAMPLES:-50}" \
  --seed "${CONTRACT_SEED:-20261123}" \
  --workers 1 \
  --request-timeout 5 \
  --suppress-health-check all \
  --report junit --report-dir "$work/report" \
  --no-color
st=$?
set -e

kill -0 "$APP_PID" 2>/dev/null || { echo "FAIL: minitwit died during the run; log:" >&2; tail -50 "$APP_LOG" >&2; exit 1; }
if [[ $st -ne 0 ]]; then
  echo "FAIL: schemathesis reported failures (exit $st); junit report in $work/report, app log $APP_LOG" >&2
fi
if [[ $facts -ne 0 ]]; then
  echo "FAIL: contract facts failed (see the FAIL lines above)" >&2
fi
[[ $st -eq 0 && $facts -eq 0 ]] || exit 1
echo "contract: all checks passed" >&2
