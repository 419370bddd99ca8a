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

DAEMON_NAME=smtp-sink DAEMON_WHAT=sink DAEMON_SCRIPT=sink.sh
DAEMON_PID_FILE="$PID_FILE" DAEMON_LOCK_FILE="$SMTP_SINK_HOME/.lock" DAEMON_LOCK_WAIT=60
DAEMON_STOP_TIMEOUT="$STOP_TIMEOUT" DAEMON_POLL=0.1
# shellcheck source=scripts/lib/daemon.sh
source "$SCRIPT_DIR/../lib/daemon.sh"

require_numbers SMTP_SINK_PORT SMTP_SINK_HTTP_PORT READY_TIMEOUT STOP_TIMEOUT

# The address clients use to reach the sink (0.0.0.0 means "all interfaces").
probe_host() { [[ "$SMTP_SINK_HOST" == "0.0.0.0" ]] && echo 127.0.0.1 || echo "$SMTP_SINK_HOST"; }
health_url() { echo "http://$(probe_host):$SMTP_SINK_HTTP_PORT/health"; }

# True when $1 is a live (non-zombie) process running our server.ts.
is_ours() { live_pid "$1" && [[ "$(pid_cmdline "$1")" == *"$SERVER"* ]]; }

healthy() { curl -fsS --max-time 1 "$(health_url)" >/dev/null 2>&1; }


cmd_start() {
  take_lock
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid" "$READY_TIMEOUT" "$(health_url)" healthy "$LOG_FILE" 0.1 || exit 1
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
  spawn "$REPO_ROOT" "$LOG_FILE" node --import tsx "$SERVER"
  pid="$SPAWNED_PID"
  # Interrupted before it is healthy: do not leave it behind.
  # shellcheck disable=SC2064 # expand $pid now
  trap "err 'interrupted; stopping the sink (pid $pid)'; stop_pid $pid; exit 130" INT TERM
  if ! wait_ready "$pid" "$READY_TIMEOUT" "$(health_url)" healthy "$LOG_FILE" 0.1; then
    if is_ours "$pid"; then stop_pid "$pid"; fi
    exit 1
  fi
  trap - INT TERM
  log "up in $(secs_since "$t0")s (pid $pid): smtp://$(probe_host):$SMTP_SINK_PORT, http://$(probe_host):$SMTP_SINK_HTTP_PORT/messages; log: $LOG_FILE"
}

# Without --timed: sink.sh has always printed just "stopped (pid N)".
# shellcheck disable=SC2119
cmd_stop() { daemon_stop; }

cmd_status() {
  daemon_status healthy ": smtp://$(probe_host):$SMTP_SINK_PORT, http://$(probe_host):$SMTP_SINK_HTTP_PORT" \
    "$(health_url) does not answer"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
