# shellcheck shell=bash
# The local cluster's processes: pid files, start and stop of a component, waiting for one to
# answer. Sourced by tests/cluster/cluster (its globals: $run, $logs, $pki, ...).

pid_of() { local f="$run/$1.pid"; [[ -f "$f" ]] && cat "$f"; }

# alive NAME: the component runs. A pid file counts only while that process still runs the
# binary we started (pids are reused).
alive() {
  local pid binary args
  [[ -f "$run/$1.pid" && -f "$run/$1.cmd" ]] || return 1
  pid="$(<"$run/$1.pid")" binary="$(<"$run/$1.cmd")"
  [[ -n "$pid" && -n "$binary" ]] || return 1
  mapfile -d '' args 2>/dev/null <"/proc/$pid/cmdline" || return 1
  [[ "${args[0]:-}" == "$binary" ]]
}

# start NAME BINARY ARGS...: runs a component in its own session, log in $logs/NAME.log.
start() {
  local name="$1"; shift
  if alive "$name"; then return 0; fi
  [[ -f "$logs/$name.log" ]] && mv -f "$logs/$name.log" "$logs/$name.log.1"
  setsid "$@" >"$logs/$name.log" 2>&1 </dev/null 9>&- &
  local pid=$! args i
  echo "$pid" >"$run/$name.pid"
  echo "$1" >"$run/$name.cmd"
  # Until the forked shell has exec'd setsid and setsid the binary, the pid does not look
  # like the component yet; wait for that so alive() cannot mistake it for a dead one.
  for ((i = 0; i < 200; i++)); do
    mapfile -d '' args 2>/dev/null <"/proc/$pid/cmdline" || break
    [[ "${args[0]:-}" != "$1" ]] || break
    sleep 0.05
  done
}

# stop GRACE_SECONDS NAME...: SIGTERM to all of them at once, SIGKILL to those still
# running after the grace period.
stop() {
  local grace="$1" name pid i pids=()
  shift
  for name in "$@"; do
    if alive "$name"; then
      pid="$(pid_of "$name")"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  for ((i = 0; i < grace * 10; i++)); do
    local running=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && running=1; done
    ((running)) || break
    sleep 0.1
  done
  for name in "$@"; do
    if alive "$name"; then
      log "$name did not stop in ${grace}s; killing it"
      kill -KILL "$(pid_of "$name")" 2>/dev/null || true
    fi
    rm -f "$run/$name.pid" "$run/$name.cmd"
  done
  for pid in "${pids[@]}"; do
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
}

# wait_for WHAT SECONDS COMPONENT COMMAND...: polls COMMAND; a dead COMPONENT fails at once.
wait_for() {
  local what="$1" timeout="$2" component="$3"; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$component" ]] && ! alive "$component"; then
      tail -n 30 "$logs/$component.log" >&2 || true
      die "$component exited while waiting for $what (log: $logs/$component.log)"
    fi
    if ((SECONDS >= deadline)); then
      [[ -z "$component" ]] || tail -n 30 "$logs/$component.log" >&2 || true
      die "timed out after ${timeout}s waiting for $what${component:+ (log: $logs/$component.log)}"
    fi
    sleep 0.2
  done
}

https_ok() {  # https_ok URL: 200 with the admin client certificate
  curl -sf --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$1"
}
https_ok_insecure() { curl -skf --max-time 2 "$1"; }
