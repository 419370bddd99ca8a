#!/usr/bin/env bash
# nginx as a load balancer in front of N web instances (`npm run start:web` on several ports),
# for drills and benchmarks on one machine. Debian's nginx package, run with a config generated
# here, its own pid file, logs and temp dirs: never Debian's nginx service, never port 80.
#
#   bash scripts/nginx/lb.sh start    # install nginx if missing, write and check the config, start, wait for /lb-health
#   bash scripts/nginx/lb.sh stop     # SIGQUIT (finish requests in flight), then SIGTERM/SIGKILL, by recorded pid
#   bash scripts/nginx/lb.sh status   # exit 0 running and healthy, 3 not running, 1 running but not answering
#   bash scripts/nginx/lb.sh reload   # rewrite the config (e.g. new LB_UPSTREAMS), check it, SIGHUP
#
# It runs as the user who starts it. Started as root, nginx's own rule applies: the master stays
# root and the worker that handles requests runs as nobody (nginx hands it the temp dirs).
#
# The web instances behind it must run with TRUSTED_PROXY_HOPS=1: nginx appends its peer (the
# client) to X-Forwarded-For, and the web takes the right-most entry as the client's address.
#
# Env (defaults):
#   LB_HOST=127.0.0.1  LB_PORT=3200
#   LB_UPSTREAMS=127.0.0.1:3201,127.0.0.1:3202   comma-separated host:port of the web instances
#   LB_HOME=<repo>/.local/nginx   nginx.conf (generated), nginx.pid, access.log, error.log, tmp/
#   LB_READY_TIMEOUT=10 (s)  LB_DRAIN_TIMEOUT=10 (s, SIGQUIT waits this long for requests in flight)
#   LB_STOP_TIMEOUT=5 (s, then between SIGTERM and SIGKILL)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
LB_HOME="${LB_HOME:-$REPO_ROOT/.local/nginx}"
LB_HOST="${LB_HOST:-127.0.0.1}"
LB_PORT="${LB_PORT:-3200}"
LB_UPSTREAMS="${LB_UPSTREAMS:-127.0.0.1:3201,127.0.0.1:3202}"
LB_READY_TIMEOUT="${LB_READY_TIMEOUT:-10}"
LB_DRAIN_TIMEOUT="${LB_DRAIN_TIMEOUT:-10}"
LB_STOP_TIMEOUT="${LB_STOP_TIMEOUT:-5}"

CONF="$LB_HOME/nginx.conf"
PID_FILE="$LB_HOME/nginx.pid"
ERROR_LOG="$LB_HOME/error.log"
ACCESS_LOG="$LB_HOME/access.log"

DAEMON_NAME=lb DAEMON_WHAT=nginx DAEMON_SCRIPT=lb.sh
DAEMON_PID_FILE="$PID_FILE" DAEMON_LOCK_FILE="$LB_HOME/.lock" DAEMON_LOCK_WAIT=60
DAEMON_STOP_TIMEOUT="$LB_STOP_TIMEOUT" DAEMON_POLL=0.1
# shellcheck source=scripts/lib/daemon.sh
source "$SCRIPT_DIR/../lib/daemon.sh"

require_numbers LB_PORT LB_READY_TIMEOUT LB_DRAIN_TIMEOUT LB_STOP_TIMEOUT

# The address clients use to reach the balancer (0.0.0.0 means "all interfaces").
probe_host() { [[ "$LB_HOST" == "0.0.0.0" ]] && echo 127.0.0.1 || echo "$LB_HOST"; }
base_url() { echo "http://$(probe_host):$LB_PORT"; }

nginx_bin() { command -v nginx 2>/dev/null || echo /usr/sbin/nginx; }

# True when $1 is a live (non-zombie) nginx master started with our config. The master rewrites
# its title to "nginx: master process <its argv>", which still names the config file.
is_ours() { live_pid "$1" && [[ "$(pid_cmdline "$1")" == *"-c $CONF"* ]]; }

healthy() { curl -fsS --max-time 1 "$(base_url)/lb-health" >/dev/null 2>&1; }

# Debian's nginx package, installed the way .ci/run installs prometheus: the package would start
# its system service (port 80), so a policy-rc.d answering 101 ("forbidden") keeps it stopped
# while installing, unless the machine already has a policy-rc.d. A service started by an earlier
# install is left alone: this nginx has its own port, pid and files.
install_nginx() {
  [[ -x "$(nginx_bin)" ]] && return 0
  [[ "$(id -u)" == 0 ]] || die "nginx is not installed; as root: apt-get install -y --no-install-recommends nginx"
  log "installing Debian's nginx package (its service is not started)"
  apt-get update -qq
  if [[ -e /usr/sbin/policy-rc.d ]]; then
    apt-get install -y -qq --no-install-recommends nginx >/dev/null
  else
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends nginx >/dev/null || { rm -f /usr/sbin/policy-rc.d; exit 1; }
    rm -f /usr/sbin/policy-rc.d
  fi
  [[ -x "$(nginx_bin)" ]] || die "nginx is still missing after apt-get install"
}

# The upstream's server lines, one per LB_UPSTREAMS entry; dies on an entry that is not host:port.
upstream_servers() {
  local entry count=0
  local -a entries
  IFS=',' read -r -a entries <<<"$LB_UPSTREAMS"
  for entry in "${entries[@]}"; do
    entry="${entry// /}"
    [[ -z "$entry" ]] && continue
    [[ "$entry" =~ ^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$ ]] || die "LB_UPSTREAMS: '$entry' is not host:port"
    # max_fails=1 fail_timeout=2s: one failed connect or timeout takes the instance out of the
    # rotation for 2s, after which one request probes it again (and is retried elsewhere if it fails).
    printf '    server %s max_fails=1 fail_timeout=2s;\n' "$entry"
    count=$((count + 1))
  done
  (( count > 0 )) || die "LB_UPSTREAMS names no upstream"
}

write_config() {
  local servers
  servers="$(upstream_servers)"
  mkdir -p "$LB_HOME/tmp"
  cat >"$CONF.new" <<EOF
# Generated by scripts/nginx/lb.sh; rewritten on every start and reload: edit the script instead.
worker_processes 1;   # 2-core machine shared with the web instances
pid $PID_FILE;
error_log $ERROR_LOG warn;

events {
  worker_connections 1024;
}

http {
  server_tokens off;
  default_type application/octet-stream;

  # Every temp path is ours (the compiled-in ones are under /var/lib/nginx).
  client_body_temp_path $LB_HOME/tmp/client_body;
  proxy_temp_path $LB_HOME/tmp/proxy;
  fastcgi_temp_path $LB_HOME/tmp/fastcgi;
  uwsgi_temp_path $LB_HOME/tmp/uwsgi;
  scgi_temp_path $LB_HOME/tmp/scgi;

  # One line per request: the status sent, the instance's status and address (two of each,
  # comma-separated, when the first instance failed and the request was retried elsewhere), the
  # total and the upstream time. Status is the third field: count 5xx during a drill with
  # awk '\$3 >= 500' access.log | wc -l.
  log_format lb '\$time_iso8601 \$remote_addr \$status upstatus=\$upstream_status up=\$upstream_addr '
                'rt=\$request_time urt=\$upstream_response_time "\$request"';
  access_log $ACCESS_LOG lb;

  upstream web {
    # Round robin (nginx's default).
$servers
    # Idle connections kept open to the instances, closed after 4s: before Node's own
    # keep-alive timeout (5s, which next start keeps), so nginx never reuses a connection the
    # instance is closing at that moment (a POST sent on it would get a 502).
    keepalive 32;
    keepalive_timeout 4s;
  }

  server {
    listen $LB_HOST:$LB_PORT;

    # Answered by nginx itself: is the balancer up (says nothing about the instances).
    location = /lb-health {
      access_log off;
      default_type text/plain;
      return 200 "ok\n";
    }

    location / {
      proxy_pass http://web;
      proxy_http_version 1.1;
      proxy_set_header Connection "";   # HTTP/1.1 keep-alive to the instances

      # \$http_host keeps the port the browser used: Next's server actions compare Origin with it.
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-Host \$http_host;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # Appends the client's address to what it sent; the web trusts only the right-most entry
      # (TRUSTED_PROXY_HOPS=1).
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;

      # A dead instance refuses the connection at once on one machine; elsewhere 1s is long
      # enough for a connect and short enough to move on.
      proxy_connect_timeout 1s;
      # On a refused connection, a timeout or a 502 the request goes to the next instance. nginx
      # never does this for POST, PATCH or LOCK once the request was sent (non_idempotent stays
      # off on purpose): a POST may have reached the dead instance and done its work there, so it
      # gets the 502 and the client retries with its Idempotency-Key instead.
      proxy_next_upstream error timeout http_502;

      # Larger than every body limit of the web (5 MB uploads), so the web itself answers an
      # oversized body with its 413 problem+json; unbuffered, so the web sees the body as it
      # streams and can refuse it before it is all sent.
      client_max_body_size 16m;
      proxy_request_buffering off;
      # Unbuffered responses: React streams a page in chunks, and buffering would hold the
      # first chunk back until the whole page is rendered.
      proxy_buffering off;
    }
  }
}
EOF
}

# nginx -t on the new config; on success it replaces the current one.
check_config() {
  local out
  if ! out="$("$(nginx_bin)" -t -q -p "$LB_HOME" -e "$ERROR_LOG" -c "$CONF.new" 2>&1)"; then
    err "the generated config does not pass nginx -t (kept as $CONF.new):"
    printf '%s\n' "$out" >&2
    exit 1
  fi
  mv -f "$CONF.new" "$CONF"
}

cmd_start() {
  take_lock
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid" "$LB_READY_TIMEOUT" "$(base_url)/lb-health" healthy "$ERROR_LOG" 0.1 || exit 1
    log "already running (pid $pid): $(base_url) (reload to apply a changed LB_UPSTREAMS)"
    return 0
  fi
  rm -f "$PID_FILE"
  command -v curl >/dev/null 2>&1 || die "curl is required"
  if port_open "$(probe_host)" "$LB_PORT"; then
    die "$(probe_host):$LB_PORT is already in use by another process (not started by this script); set LB_PORT"
  fi
  install_nginx
  write_config
  check_config

  [[ -f "$ERROR_LOG" ]] && mv -f "$ERROR_LOG" "$ERROR_LOG.1"
  printf '==== %s lb.sh start (%s:%s -> %s)\n' "$(date -Is)" "$LB_HOST" "$LB_PORT" "$LB_UPSTREAMS" >"$ERROR_LOG"
  local t0
  t0="$(now_ms)"
  # daemon off: the master stays the process spawn started, so the recorded pid is the master's
  # (nginx writes the same number into the same pid file). -e: errors before the config is read
  # go to our log, not /var/log/nginx.
  spawn "$LB_HOME" "$ERROR_LOG" "$(nginx_bin)" -p "$LB_HOME" -e "$ERROR_LOG" -c "$CONF" -g "daemon off;"
  pid="$SPAWNED_PID"
  # Interrupted before it answers: do not leave it behind.
  # shellcheck disable=SC2064 # expand $pid now
  trap "err 'interrupted; stopping nginx (pid $pid)'; stop_pid $pid; exit 130" INT TERM
  if ! wait_ready "$pid" "$LB_READY_TIMEOUT" "$(base_url)/lb-health" healthy "$ERROR_LOG" 0.1; then
    if is_ours "$pid"; then stop_pid "$pid"; fi
    exit 1
  fi
  trap - INT TERM
  log "up in $(secs_since "$t0")s (pid $pid): $(base_url) -> $LB_UPSTREAMS"
  log "logs: $ACCESS_LOG (one line per request), $ERROR_LOG; config: $CONF"
}

# SIGQUIT first: nginx stops accepting and finishes the requests in flight. What is still running
# after LB_DRAIN_TIMEOUT gets daemon.sh's SIGTERM, then SIGKILL.
cmd_stop() {
  take_lock
  local pid t0 deadline
  pid="$(read_pid)"
  if [[ -z "$pid" ]]; then
    log "not running (no pid file)"
    return 0
  fi
  if ! is_ours "$pid"; then
    rm -f "$PID_FILE"
    log "not running (removed stale pid file for pid $pid)"
    return 0
  fi
  t0="$(now_ms)"
  kill -QUIT "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + LB_DRAIN_TIMEOUT ))
  while is_ours "$pid" && (( $(date +%s) < deadline )); do sleep "$DAEMON_POLL"; done
  if is_ours "$pid"; then
    err "nginx (pid $pid) still has requests in flight after ${LB_DRAIN_TIMEOUT}s; sending SIGTERM"
  fi
  stop_pid "$pid"
  log "stopped (pid $pid) in $(secs_since "$t0")s"
}

cmd_status() {
  daemon_status healthy ": $(base_url) -> $(grep -oP '^\s*server \K\S+(?= max_fails)' "$CONF" 2>/dev/null | paste -sd, -)" \
    "$(base_url)/lb-health does not answer (see $ERROR_LOG)"
}

# A new config (e.g. a changed LB_UPSTREAMS), checked first; nginx starts new workers with it and
# lets the old ones finish their requests.
cmd_reload() {
  take_lock
  local pid
  pid="$(running_pid)"
  [[ -n "$pid" ]] || die "not running; use start"
  write_config
  check_config
  kill -HUP "$pid"
  log "reloaded (pid $pid): $(base_url) -> $LB_UPSTREAMS"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reload) cmd_reload ;;
  *) echo "usage: $0 start|stop|status|reload" >&2; exit 2 ;;
esac
