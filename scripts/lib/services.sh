# Shared by scripts/run.sh and scripts/test.sh: start what is missing, remember
# what this script started, and stop exactly that (by the pid each start
# recorded) when the script exits.
# shellcheck shell=bash

STARTED_SERVICES=()
BACKGROUND_PIDS=()
STARTED_REDIS=()

ensure_postgres() {
  local url="$1"
  if ! node -e '
    const { Client } = require("pg");
    const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
    c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
  ' "$url" 2>/dev/null; then
    cat >&2 <<MSG
PostgreSQL is not reachable at $url.
Start it (Debian/Ubuntu: sudo pg_ctlcluster \$(ls /etc/postgresql) main start;
macOS: brew services start postgresql), or point DATABASE_URL / TEST_DATABASE_ADMIN_URL at one.
MSG
    exit 1
  fi
}

# ensure_redis URL: Redis must answer at URL (rate limits live there). If it does
# not and URL is on this machine, starts redis-server (daemonized, nothing saved
# to disk, pidfile and log under .local/redis/) and stops it on exit by the pid
# it wrote; a Redis that was already running is left alone.
ensure_redis() {
  local url="$1" host port dir pidfile pid
  if command -v redis-cli >/dev/null 2>&1 && [[ "$(redis-cli -u "$url" ping 2>/dev/null)" == PONG ]]; then
    echo "[redis] already running at $url; leaving it running afterwards"
    return
  fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    cat >&2 <<MSG
Redis is not reachable at $url, and redis-server is not installed to start one.
Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis),
or point REDIS_URL at a running Redis.
MSG
    exit 1
  fi
  read -r host port < <(node -e 'const u = new URL(process.argv[1]); console.log(u.hostname, u.port || 6379)' "$url")
  if [[ "$host" != 127.0.0.1 && "$host" != localhost ]]; then
    echo "Redis is not reachable at $url (not on this machine, so not started here)." >&2
    exit 1
  fi
  dir="$PWD/.local/redis"
  pidfile="$dir/redis-$port.pid"
  mkdir -p "$dir"
  rm -f "$pidfile"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$port" --save "" --appendonly no \
    --dir "$dir" --pidfile "$pidfile" --logfile "$dir/redis-$port.log"
  for _ in $(seq 1 50); do
    [[ "$(redis-cli -u "$url" ping 2>/dev/null)" == PONG && -s "$pidfile" ]] && break
    sleep 0.2
  done
  pid="$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)"
  if [[ -z "$pid" || "$(redis-cli -u "$url" ping 2>/dev/null)" != PONG ]]; then
    echo "[redis] did not start at $url; see $dir/redis-$port.log" >&2
    exit 1
  fi
  STARTED_REDIS+=("$pid")
  echo "[redis] started at $url (pid $pid, log $dir/redis-$port.log)"
}

# ensure_service NAME SCRIPT: starts SCRIPT's service unless it already runs.
ensure_service() {
  local name="$1" script="$2"
  if bash "$script" status >/dev/null 2>&1; then
    echo "[$name] already running; leaving it running afterwards"
  else
    bash "$script" start
    STARTED_SERVICES+=("$name:$script")
  fi
}

# start_background NAME LOGFILE CMD...: runs CMD in the background in its own
# process group (setsid), so stopping it also stops any child it spawned.
start_background() {
  local name="$1" logfile="$2"
  shift 2
  setsid "$@" >"$logfile" 2>&1 &
  BACKGROUND_PIDS+=("$name:$!")
  echo "[$name] started (pid $!, log $logfile)"
}

# heap_options OLD_MB [SEMI_MB]: Node options for a long-running process of this shop.
# V8 otherwise grows the old generation towards a quarter of the machine's memory and
# keeps what it grew (the web held ~500 MB of RSS around 84 MB of live objects); the cap
# keeps it near what is used. The young generation is named too: a small old-space cap
# alone also shrinks it, and for the web the extra scavenges cost ~30 % of a request's
# CPU (16 MB semi-spaces keep that cost away). The worker's drain showed no such cost
# with 4 MB, which keeps ~55 MB less resident (docs/decisions/012-performance.md, "Memory").
heap_options() {
  echo "--max-old-space-size=$1 --max-semi-space-size=${2:-16}"
}

# wait_for_url URL SECONDS NAME
wait_for_url() {
  local url="$1" seconds="$2" name="$3" deadline=$((SECONDS + $2))
  until node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$url" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      echo "[$name] did not answer at $url within ${seconds}s" >&2
      return 1
    fi
    sleep 0.5
  done
}

# Stops what start_background started (newest first), leaving services and Redis running.
stop_background() {
  local entry name pid i
  for ((i = ${#BACKGROUND_PIDS[@]} - 1; i >= 0; i--)); do
    entry="${BACKGROUND_PIDS[$i]}"; name="${entry%%:*}"; pid="${entry#*:}"
    # The pid leads its own process group (see start_background): signal the group.
    if kill -0 -- "-$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || true
      # The worker bounds its own graceful shutdown at 20 s.
      for _ in $(seq 1 125); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.2; done
      if kill -0 -- "-$pid" 2>/dev/null; then
        kill -KILL -- "-$pid" 2>/dev/null || true
        echo "[$name] did not stop in time; killed (pid $pid)" >&2
      else
        echo "[$name] stopped (pid $pid)"
      fi
    fi
  done
  BACKGROUND_PIDS=()
}

stop_everything() {
  local entry name pid i
  stop_background
  # After the web and the worker, which count in it. Only a pid that is still a
  # redis-server (not one reused by another process since) is signalled.
  for pid in "${STARTED_REDIS[@]}"; do
    if kill -0 "$pid" 2>/dev/null && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *redis-server* ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      echo "[redis] stopped (pid $pid)"
    fi
  done
  STARTED_REDIS=()
  for ((i = ${#STARTED_SERVICES[@]} - 1; i >= 0; i--)); do
    entry="${STARTED_SERVICES[$i]}"; name="${entry%%:*}"
    bash "${entry#*:}" stop || echo "[$name] stop failed" >&2
  done
  STARTED_SERVICES=()
}
