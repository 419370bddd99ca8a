#!/usr/bin/env bash
# Zipkin (trace store and UI) for development and tests, without Docker: the server's exec jar
# from Maven Central (see install.sh), spans kept in memory only (gone on stop).
#
#   bash scripts/zipkin/zipkin.sh start    # install the jar if missing, start, wait until GET /health answers
#   bash scripts/zipkin/zipkin.sh stop     # SIGTERM by recorded pid, SIGKILL as a last resort
#   bash scripts/zipkin/zipkin.sh status   # exit 0 running and healthy, 3 not running, 1 running but unhealthy
#
# UI: http://127.0.0.1:9411/zipkin/   spans in: POST http://127.0.0.1:9411/api/v2/spans
#
# Env (defaults):
#   ZIPKIN_HOME=<repo>/.local/zipkin   state: lib/, zipkin.pid, zipkin.log
#   ZIPKIN_HOST=127.0.0.1  ZIPKIN_PORT=9411
#   ZIPKIN_READY_TIMEOUT=90 (s)  ZIPKIN_STOP_TIMEOUT=20 (s)  ZIPKIN_HEAP_OPTS="-Xms64m -Xmx256m"
#   ZIPKIN_MAX_SPANS=50000 (the oldest traces are dropped beyond it; sized for the heap above)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
ZIPKIN_HOME="${ZIPKIN_HOME:-$REPO_ROOT/.local/zipkin}"
ZIPKIN_HOST="${ZIPKIN_HOST:-127.0.0.1}"
ZIPKIN_PORT="${ZIPKIN_PORT:-9411}"
ZIPKIN_READY_TIMEOUT="${ZIPKIN_READY_TIMEOUT:-90}"
ZIPKIN_STOP_TIMEOUT="${ZIPKIN_STOP_TIMEOUT:-20}"
ZIPKIN_HEAP_OPTS="${ZIPKIN_HEAP_OPTS:--Xms64m -Xmx256m}"
ZIPKIN_MAX_SPANS="${ZIPKIN_MAX_SPANS:-50000}"
export ZIPKIN_HOME

LIB_DIR="$ZIPKIN_HOME/lib"
JAR="$LIB_DIR/zipkin-server-3.5.1-exec.jar"
PID_FILE="$ZIPKIN_HOME/zipkin.pid"
LOG_FILE="$ZIPKIN_HOME/zipkin.log"
LOCK_FILE="$ZIPKIN_HOME/.lock"

DAEMON_NAME=zipkin DAEMON_WHAT=server DAEMON_SCRIPT=zipkin.sh
DAEMON_PID_FILE="$PID_FILE" DAEMON_LOCK_FILE="$LOCK_FILE" DAEMON_LOCK_WAIT=180
DAEMON_STOP_TIMEOUT="$ZIPKIN_STOP_TIMEOUT" DAEMON_POLL=0.2
# shellcheck source=scripts/lib/daemon.sh
source "$SCRIPT_DIR/../lib/daemon.sh"

require_numbers ZIPKIN_PORT ZIPKIN_READY_TIMEOUT ZIPKIN_STOP_TIMEOUT ZIPKIN_MAX_SPANS

# The address clients use to reach the server (0.0.0.0 means "all interfaces").
probe_host() { [[ "$ZIPKIN_HOST" == "0.0.0.0" ]] && echo 127.0.0.1 || echo "$ZIPKIN_HOST"; }
base_url() { echo "http://$(probe_host):$ZIPKIN_PORT"; }

# True when $1 is a live (non-zombie) Zipkin started from this ZIPKIN_HOME (its jar is under it).
is_ours() { live_pid "$1" && [[ "$(pid_cmdline "$1")" == *"-jar $JAR "* ]]; }

healthy() { curl -fsS --max-time 2 "$(base_url)/health" >/dev/null 2>&1; }

java_cmd() {
  # shellcheck disable=SC2206
  local heap=($ZIPKIN_HEAP_OPTS)
  # Serial GC: one collector thread on a 2-core machine shared with the shop; the heap is small.
  # Settings go as command-line properties, which win over Zipkin's environment variables
  # (STORAGE_TYPE, QUERY_PORT, ...) that might be set for something else. armeria.ports is a
  # list: naming one element here replaces Zipkin's whole default list, so port and protocol
  # are given with the address.
  printf '%s\0' java "${heap[@]}" -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -jar "$JAR" \
    --zipkin.storage.type=mem \
    "--zipkin.storage.mem.max-spans=$ZIPKIN_MAX_SPANS" \
    "--armeria.ports[0].ip=$ZIPKIN_HOST" \
    "--armeria.ports[0].port=$ZIPKIN_PORT" \
    "--armeria.ports[0].protocols[0]=http"
}


cmd_start() {
  take_lock
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid" "$ZIPKIN_READY_TIMEOUT" "$(base_url)/health" healthy "$LOG_FILE" 0.2 || exit 1
    log "already running (pid $pid): $(base_url)/zipkin/"
    exit 0
  fi
  rm -f "$PID_FILE"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  if port_open "$(probe_host)" "$ZIPKIN_PORT"; then
    die "$(probe_host):$ZIPKIN_PORT is already in use by another process (not started by this script); set ZIPKIN_PORT"
  fi

  bash "$SCRIPT_DIR/install.sh"
  [[ -f "$JAR" ]] || die "$JAR is missing after install.sh (was the version bumped in one script only?)"
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  printf '==== %s zipkin.sh start (%s:%s)\n' "$(date -Is)" "$ZIPKIN_HOST" "$ZIPKIN_PORT" >"$LOG_FILE"

  local -a cmd
  mapfile -d '' cmd < <(java_cmd)
  local t0
  t0="$(now_ms)"
  spawn "$ZIPKIN_HOME" "$LOG_FILE" "${cmd[@]}"
  pid="$SPAWNED_PID"
  log "started java (pid $pid), log: $LOG_FILE; waiting up to ${ZIPKIN_READY_TIMEOUT}s for $(base_url)/health"
  # Interrupted before it is healthy: do not leave a half-started server behind.
  # shellcheck disable=SC2064 # expand $pid now
  trap "err 'interrupted; stopping the server (pid $pid)'; stop_pid $pid; exit 130" INT TERM
  if ! wait_ready "$pid" "$ZIPKIN_READY_TIMEOUT" "$(base_url)/health" healthy "$LOG_FILE" 0.2; then
    if is_ours "$pid"; then
      err "stopping the server that did not become healthy (pid $pid)"
      stop_pid "$pid"
    fi
    exit 1
  fi
  trap - INT TERM
  log "Zipkin is up in $(secs_since "$t0")s (pid $pid): UI $(base_url)/zipkin/, spans to $(base_url)/api/v2/spans"
}

cmd_stop() { daemon_stop --timed; }

cmd_status() {
  daemon_status healthy ": $(base_url)/zipkin/" "$(base_url)/health does not answer (starting or unhealthy; see $LOG_FILE)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
