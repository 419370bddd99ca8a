# Shared by the kafka, smtp-sink, zipkin and prometheus scripts: start/stop/status
# plumbing for one background process that records its pid in a file. A process is
# only ever found through that pid file and confirmed with the caller's is_ours, never
# by name: other copies (other state dirs and ports) may be running at the same time.
#
# The sourcing script sets:
#   DAEMON_NAME          log prefix ("kafka")
#   DAEMON_WHAT          what messages call the process ("broker")
#   DAEMON_SCRIPT        script named when the lock is busy ("kafka.sh")
#   DAEMON_PID_FILE      pid file, written by spawn
#   DAEMON_LOCK_FILE     lock serialising start and stop; its directory is created
#   DAEMON_LOCK_WAIT     seconds to wait for that lock
#   DAEMON_STOP_TIMEOUT  seconds between SIGTERM and SIGKILL
#   DAEMON_POLL          seconds between checks while waiting for the process to exit
# and defines is_ours PID: true when PID is a live process of this instance
# (live_pid and pid_cmdline below help).
# shellcheck shell=bash

: "${DAEMON_NAME:?}" "${DAEMON_WHAT:?}" "${DAEMON_SCRIPT:?}" "${DAEMON_PID_FILE:?}" \
  "${DAEMON_LOCK_FILE:?}" "${DAEMON_LOCK_WAIT:?}" "${DAEMON_STOP_TIMEOUT:?}" "${DAEMON_POLL:?}"

log() { printf '[%s] %s\n' "$DAEMON_NAME" "$*"; }
err() { printf '[%s] ERROR: %s\n' "$DAEMON_NAME" "$*" >&2; }
die() { err "$*"; exit 1; }

# require_numbers VAR...: dies unless each named variable is a non-negative integer.
require_numbers() {
  local v
  for v in "$@"; do
    [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
  done
}

now_ms() { date +%s%3N; }
# secs_since T0_MS: seconds elapsed since T0_MS, one decimal ("4.2").
secs_since() { awk "BEGIN{printf \"%.1f\", ($(now_ms)-$1)/1000}"; }

# live_pid PID: true when PID is a running process; a zombie still answers kill -0,
# so it is checked for separately.
live_pid() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != "Z" ]]
}

# pid_cmdline PID: PID's command line, arguments separated by spaces.
pid_cmdline() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null || true; }

read_pid() { if [[ -f "$DAEMON_PID_FILE" ]]; then tr -dc '0-9' <"$DAEMON_PID_FILE"; fi; }

# running_pid: prints the recorded pid if it is ours and alive, nothing otherwise.
running_pid() {
  local pid
  pid="$(read_pid)"
  if [[ -n "$pid" ]] && is_ours "$pid"; then echo "$pid"; fi
}

port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# Holds the lock on fd 9 until the script exits. Anything that outlives the script
# must close fd 9 (9>&-), or it would keep holding the lock.
take_lock() {
  mkdir -p "$(dirname "$DAEMON_LOCK_FILE")"
  exec 9>"$DAEMON_LOCK_FILE"
  flock -w "$DAEMON_LOCK_WAIT" 9 || die "another $DAEMON_SCRIPT holds $DAEMON_LOCK_FILE"
}

# spawn DIR LOG_FILE CMD...: starts CMD in DIR, detached, output appended to LOG_FILE,
# and waits for it to record its pid in DAEMON_PID_FILE. Sets SPAWNED_PID.
SPAWNED_PID=""
spawn() {
  local dir="$1" log_file="$2" _
  shift 2
  # setsid: the process must not die with the caller's terminal or process group.
  # The inner shell records its own pid, then becomes CMD (exec keeps the pid).
  # shellcheck disable=SC2016 # $$ and "$@" are expanded by the inner shell
  (cd "$dir" && exec setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$DAEMON_PID_FILE" "$@") \
    </dev/null >>"$log_file" 2>&1 9>&- &
  for _ in $(seq 50); do [[ -s "$DAEMON_PID_FILE" ]] && break; sleep 0.05; done
  SPAWNED_PID="$(read_pid)"
  [[ -n "$SPAWNED_PID" ]] || die "the $DAEMON_WHAT did not record its pid in $DAEMON_PID_FILE"
}

# stop_pid PID: SIGTERM, SIGKILL if PID is still ours after DAEMON_STOP_TIMEOUT, then
# removes the pid file (kept if even SIGKILL did not work, so the process is not lost).
stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + DAEMON_STOP_TIMEOUT ))
  while is_ours "$pid" && (( $(date +%s) < deadline )); do sleep "$DAEMON_POLL"; done
  if is_ours "$pid"; then
    err "$DAEMON_WHAT (pid $pid) did not exit within ${DAEMON_STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + 10 ))
    while is_ours "$pid" && (( $(date +%s) < deadline )); do sleep "$DAEMON_POLL"; done
    is_ours "$pid" && die "$DAEMON_WHAT (pid $pid) survived SIGKILL"
  fi
  rm -f "$DAEMON_PID_FILE"
}

# daemon_stop [--timed]: stops the process recorded in the pid file. A recorded pid
# that is not ours (exited, or reused by something else) is never signalled: only
# the stale pid file goes. --timed adds how long stopping took to the last line.
daemon_stop() {
  take_lock
  local pid t0
  pid="$(read_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (no pid file)"
    return 0
  fi
  if ! is_ours "$pid"; then
    rm -f "$DAEMON_PID_FILE"
    log "not running (removed stale pid file for pid $pid)"
    return 0
  fi
  t0="$(now_ms)"
  stop_pid "$pid"
  if [[ "${1:-}" == --timed ]]; then
    log "stopped (pid $pid) in $(secs_since "$t0")s"
  else
    log "stopped (pid $pid)"
  fi
}

# daemon_status HEALTH_CMD UP_DETAIL DOWN_DETAIL: returns 0 when our process runs and
# HEALTH_CMD succeeds, 3 when it does not run, 1 when it runs but HEALTH_CMD fails.
daemon_status() {
  local health_cmd="$1" up_detail="$2" down_detail="$3" pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then
    log "not running"
    return 3
  fi
  if "$health_cmd"; then
    log "running (pid $pid)$up_detail"
    return 0
  fi
  log "process running (pid $pid) but $down_detail"
  return 1
}

# wait_ready PID TIMEOUT WHAT CHECK LOG_FILE [POLL]: waits until the command CHECK (a function
# of the caller's) succeeds for the process PID just started. Returns 1, with the log's last
# lines, when the process exits first (its pid file is removed) or TIMEOUT seconds pass (WHAT
# names what did not answer).
wait_ready() {
  local pid="$1" timeout="$2" what="$3" check="$4" log_file="$5" poll="${6:-0.2}"
  local deadline=$(( $(date +%s) + timeout ))
  until "$check"; do
    if ! is_ours "$pid"; then
      err "the $DAEMON_WHAT (pid $pid) exited during startup; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      rm -f "$DAEMON_PID_FILE"
      return 1
    fi
    if (( $(date +%s) >= deadline )); then
      err "$what did not answer within ${timeout}s; last lines of $log_file:"
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    sleep "$poll"
  done
}
