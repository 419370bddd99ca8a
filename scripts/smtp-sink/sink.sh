#!/usr/bin/env bash
# Local SMTP sink (scripts/smtp-sink/server.ts) in the background, for dev and tests.
#
#   bash scripts/smtp-sink/sink.sh start    # start, wait until GET /health answers
#   bash scripts/smtp-sink/sink.sh stop     # SIGTERM by recorded pid (SIGKILL as last resort)
#   bash scripts/smtp-sink/sink.sh status   # exit 0 running and healthy, 3 not running
#
# Env (defaults): SMTP_SINK_HOME=<repo>/.local/smtp-sink (pid file, log),
#   SMTP_SINK_HOST=127.0.0.1 SMTP_SINK_PORT=1025 SMTP_SINK_HTTP_PORT=1080,
#   SMTP_SINK_READY_TIMEOUT=20 (s), SMTP_SINK_STOP_TIMEOUT=10 (s).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SMTP_SINK_HOME="${SMTP_SINK_HOME:-$REPO_ROOT/.local/smtp-sink}"
export SMTP_SINK_HOST="${SMTP_SINK_HOST:-127.0.0.1}"
export SMTP_SINK_PORT="${SMTP_SINK_PORT:-1025}"
export SMTP_SINK_HTTP_PORT="${SMTP_SINK_HTTP_PORT:-1080}"
READY_TIMEOUT="${SMTP_SINK_READY_TIMEOUT:-20}"
STOP_TIMEOUT="${SMTP_SINK_STOP_TIMEOUT:-10}"

PID_FILE="$SMTP_SINK_HOME/smtp-sink.pid"
LOG_FILE="$SMTP_SINK_HOME/smtp-sink.log"
SERVER="$SCRIPT_DIR/server.ts"

log() { printf '[smtp-sink] %s\n' "$*"; }
err() { printf '[smtp-sink] ERROR: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }

for v in SMTP_SINK_PORT SMTP_SINK_HTTP_PORT READY_TIMEOUT STOP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done

# The address clients use to reach the sink (0.0.0.0 means "all interfaces").
probe_host() { [[ "$SMTP_SINK_HOST" == "0.0.0.0" ]] && echo 127.0.0.1 || echo "$SMTP_SINK_HOST"; }
health_url() { echo "http://$(probe_host):$SMTP_SINK_HTTP_PORT/health"; }
now_ms() { date +%s%3N; }

# True when $1 is a live (non-zombie) process running our server.ts.
is_our_sink() {
  local pid="$1" state cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
  [[ -n "$state" && "$state" != "Z" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
  [[ "$cmdline" == *"$SERVER"* ]]
}

read_pid() { if [[ -f "$PID_FILE" ]]; then tr -dc '0-9' <"$PID_FILE"; fi; }
running_pid() {
  local pid
  pid="$(read_pid)"
  if [[ -n "$pid" ]] && is_our_sink "$pid"; then echo "$pid"; fi
}
healthy() { curl -fsS --max-time 1 "$(health_url)" >/dev/null 2>&1; }
port_open() { timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

take_lock() {
  mkdir -p "$SMTP_SINK_HOME"
  exec 9>"$SMTP_SINK_HOME/.lock"
  flock -w 60 9 || die "another sink.sh holds $SMTP_SINK_HOME/.lock"
}

wait_healthy() {
  local pid="$1" deadline=$(( $(date +%s) + READY_TIMEOUT ))
  until healthy; do
    if ! is_our_sink "$pid"; then
      err "the sink (pid $pid) exited during startup; last lines of $LOG_FILE:"
      tail -n 30 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if (( $(date +%s) >= deadline )); then
      err "$(health_url) did not answer within ${READY_TIMEOUT}s; last lines of $LOG_FILE:"
      tail -n 30 "$LOG_FILE" >&2 || true
      return 1
    fi
    sleep 0.1
  done
}

stop_pid() {
  local pid="$1" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + STOP_TIMEOUT ))
  while is_our_sink "$pid" && (( $(date +%s) < deadline )); do sleep 0.1; done
  if is_our_sink "$pid"; then
    err "sink (pid $pid) did not exit within ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PID_FILE"
}

cmd_start() {
  take_lock
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    wait_healthy "$pid" || exit 1
    log "already running (pid $pid): smtp://$(probe_host):$SMTP_SINK_PORT, http://$(probe_host):$SMTP_SINK_HTTP_PORT"
    return 0
  fi
  rm -f "$PID_FILE"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  [[ -d "$REPO_ROOT/node_modules/tsx" ]] || die "node_modules/tsx is missing; run npm ci"
  for port in "$SMTP_SINK_PORT" "$SMTP_SINK_HTTP_PORT"; do
    if port_open "$(probe_host)" "$port"; then
      die "$(probe_host):$port is already in use by another process; set SMTP_SINK_PORT / SMTP_SINK_HTTP_PORT"
    fi
  done

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  local t0
  t0="$(now_ms)"
  # One node process (tsx as a loader, not the tsx CLI wrapper) so the pid is the server.
  # setsid: it must not die with the caller's process group; the inner shell records its
  # own pid and then becomes node (exec keeps the pid).
  # shellcheck disable=SC2016 # $$ and "$@" are expanded by the inner shell
  (cd "$REPO_ROOT" && setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    node --import tsx "$SERVER") </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  local _
  for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.05; done
  pid="$(read_pid)"
  [[ -n "$pid" ]] || die "the sink did not record its pid in $PID_FILE"
  # Interrupted before it is healthy: do not leave it behind.
  # shellcheck disable=SC2064 # expand $pid now
  trap "err 'interrupted; stopping the sink (pid $pid)'; stop_pid $pid; exit 130" INT TERM
  if ! wait_healthy "$pid"; then
    if is_our_sink "$pid"; then stop_pid "$pid"; fi
    exit 1
  fi
  trap - INT TERM
  log "up in $(awk "BEGIN{printf \"%.1f\", ($(now_ms)-$t0)/1000}")s (pid $pid): smtp://$(probe_host):$SMTP_SINK_PORT, http://$(probe_host):$SMTP_SINK_HTTP_PORT/messages; log: $LOG_FILE"
}

cmd_stop() {
  take_lock
  local pid
  pid="$(read_pid)"
  if [[ -z "$pid" ]]; then log "not running (no pid file)"; return 0; fi
  if ! is_our_sink "$pid"; then
    rm -f "$PID_FILE"
    log "not running (removed stale pid file for pid $pid)"
    return 0
  fi
  stop_pid "$pid"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  pid="$(running_pid)"
  if [[ -z "$pid" ]]; then log "not running"; return 3; fi
  if healthy; then
    log "running (pid $pid): smtp://$(probe_host):$SMTP_SINK_PORT, http://$(probe_host):$SMTP_SINK_HTTP_PORT"
    return 0
  fi
  log "process running (pid $pid) but $(health_url) does not answer"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
