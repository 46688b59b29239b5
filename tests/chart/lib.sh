# shellcheck shell=bash
# Helpers of tests/chart/chart_test.sh: render the chart into $work/NAME.yaml and pick its
# objects apart with awk (no YAML tool needed: helm's output is regular enough).

say() { printf '[%s %(%H:%M:%S)T] %s\n' "$test_name" -1 "$*" >&2; }
fail() { printf '[%s %(%H:%M:%S)T] FAIL: %s\n' "$test_name" -1 "$*" >&2; exit 1; }
passed=()
pass() { passed+=("$1"); say "PASS $1${2:+: $2}"; }

# render NAME HELM_ARGS...: `helm template` of the chart as release minitwit-operator in
# namespace ops into $work/NAME.yaml.
render() {
  local name="$1"; shift
  helm template minitwit-operator "$chart" --namespace ops "$@" >"$work/$name.yaml" 2>"$work/$name.err" \
    || fail "$name: helm template failed: $(cat "$work/$name.err")"
}

# doc NAME KIND OBJECT [NAMESPACE]: one rendered object's YAML ("" when absent).
doc() {
  awk -v kind="$2" -v name="$3" -v ns="${4:-}" '
    function flush() {
      if (k == kind && n == name && (ns == "" || s == ns)) printf "%s", buf
      buf = ""; k = ""; n = ""; s = ""; meta = 0
    }
    /^---$/ { flush(); next }
    { buf = buf $0 "\n" }
    /^[a-z]/ { meta = 0 }
    /^kind: / { k = $2 }
    /^metadata:/ { meta = 1; next }
    meta && /^  name: / && n == "" { n = $2 }
    meta && /^  namespace: / && s == "" { s = $2 }
    END { flush() }' "$work/$1.yaml"
}

# expect_kinds NAME "KIND KIND ...": the rendered kinds, sorted, one entry per object.
expect_kinds() {
  local got
  got="$(awk '/^kind: / {print $2}' "$work/$1.yaml" | LC_ALL=C sort | tr '\n' ' ')"
  [[ "${got% }" == "$2" ]] || fail "$1: rendered kinds are [${got% }], want [$2]"
}

# env_value YAML VAR: the `value:` line after `- name: VAR` in a container's env.
env_value() { awk -v var="$2" '$0 ~ "- name: " var "$" {getline; sub(/^ *value: /, ""); print; exit}' <<<"$1"; }

# rules_of YAML: an RBAC object's rules block.
rules_of() { awk '/^rules:/ {on=1} /^[a-z]/ && !/^rules:/ {on=0} on' <<<"$1"; }

# has TEXT REGEX WHAT / lacks TEXT REGEX WHAT.
has() { grep -qE -- "$2" <<<"$1" || fail "$3 (no match for /$2/)"; }
lacks() { ! grep -qE -- "$2" <<<"$1" || fail "$3 (unexpected match for /$2/)"; }

# expect_failure WHAT MESSAGE HELM_ARGS...: rendering fails with MESSAGE.
expect_failure() {
  local what="$1" message="$2" out; shift 2
  if out="$(helm template minitwit-operator "$chart" --namespace ops "$@" 2>&1)"; then
    fail "$what: rendered; expected a failure with '$message'"
  fi
  grep -qF -- "$message" <<<"$out" || fail "$what: failed, but without '$message': $out"
}

# schema_refuses WHAT MESSAGE HELM_ARGS...: values.schema.json refuses the values.
schema_refuses() {
  local what="$1" message="$2" out; shift 2
  if out="$(helm template minitwit-operator "$chart" --namespace ops "$@" 2>&1)"; then
    fail "schema: $what was accepted"
  fi
  grep -q "values don't meet the specifications of the schema" <<<"$out" || fail "schema: $what failed for another reason: $out"
  grep -qF -- "$message" <<<"$out" || fail "schema: $what refused, but without '$message': $out"
}
