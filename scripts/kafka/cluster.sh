#!/usr/bin/env bash
# Three-node Apache Kafka cluster on loopback (KRaft, every node broker + controller, a
# static quorum of the three), for trying replication and broker failover locally. Each
# node is a kafka.sh instance with its own home; the jars are kafka.sh's (install.sh).
#
#   bash scripts/kafka/cluster.sh start          # start the missing nodes, wait for a
#                                                # controller and 3 brokers, create topics
#                                                # (3 replicas, min.insync.replicas=2)
#   bash scripts/kafka/cluster.sh stop           # stop every node by recorded pid
#   bash scripts/kafka/cluster.sh status         # exit 0 all three up, 3 otherwise
#   bash scripts/kafka/cluster.sh reset          # stop and delete the data (keeps the jars)
#   bash scripts/kafka/cluster.sh start-node N   # start node N (1-3) again; its data is kept
#   bash scripts/kafka/cluster.sh stop-node N    # SIGTERM node N
#   bash scripts/kafka/cluster.sh kill-node N    # SIGKILL node N, for failover drills
#
# Env (defaults):
#   KAFKA_CLUSTER_HOME=<repo>/.local/kafka-cluster   node-1, node-2, node-3 and cluster.id
#   KAFKA_CLUSTER_BASE_PORT=29092  node N: broker port BASE+2(N-1), controller port one above
#                                  (29092/29093, 29094/29095, 29096/29097)
#   KAFKA_READY_TIMEOUT=90 (s)
#   KAFKA_STOP_TIMEOUT=15 (s)  SIGTERM to SIGKILL. Shorter than kafka.sh's 30: a node whose
#                              two peers exited first can no longer reach a quorum for its
#                              controlled shutdown and waits until killed (seen once in
#                              three stops; its data is recovered on the next start)
#   KAFKA_CLUSTER_HEAP_OPTS="-Xms128m -Xmx384m"  per node: three JVMs share a small machine
#   KAFKA_TOPIC_PREFIX=""  prepended to the topic names, as ensure-topics.ts does
# The brokers' address for clients: 127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
CLUSTER_HOME="${KAFKA_CLUSTER_HOME:-$REPO_ROOT/.local/kafka-cluster}"
BASE_PORT="${KAFKA_CLUSTER_BASE_PORT:-29092}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-15}"
HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx384m}"
HOST=127.0.0.1
NODES=(1 2 3)
# The jars kafka.sh installs; every node's lib/ points at them.
JAR_HOME="$REPO_ROOT/.local/kafka"

log() { printf '[kafka-cluster] %s\n' "$*"; }
err() { printf '[kafka-cluster] ERROR: %s\n' "$*" >&2; }
die() { err "$*"; exit 1; }
now_ms() { date +%s%3N; }
secs_since() { awk "BEGIN{printf \"%.1f\", ($(now_ms)-$1)/1000}"; }

for v in BASE_PORT KAFKA_READY_TIMEOUT KAFKA_STOP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "$v must be a number, got '${!v}'"
done
(( BASE_PORT >= 1024 && BASE_PORT + 5 <= 65535 )) || die "KAFKA_CLUSTER_BASE_PORT out of range"

broker_port() { echo $(( BASE_PORT + 2 * ($1 - 1) )); }
controller_port() { echo $(( BASE_PORT + 2 * ($1 - 1) + 1 )); }
node_home() { echo "$CLUSTER_HOME/node-$1"; }

VOTERS=""
BROKERS=""
for n in "${NODES[@]}"; do
  VOTERS+="${VOTERS:+,}$n@$HOST:$(controller_port "$n")"
  BROKERS+="${BROKERS:+,}$HOST:$(broker_port "$n")"
done

# Cluster-only broker settings, added to each node's server.properties through
# kafka.sh's KAFKA_EXTRA_CONFIG. Defaults are in brackets.
write_failover_config() {
  mkdir -p "$CLUSTER_HOME"
  cat >"$CLUSTER_HOME/failover.properties" <<'EOF'
# Written by scripts/kafka/cluster.sh: fast failover for a local 3-node cluster.
# A broker sends a heartbeat to the active controller every second [2000]...
broker.heartbeat.interval.ms=1000
# ...and is fenced (its partitions get new leaders) when none arrived for 3 s [9000],
# so a SIGKILLed broker is noticed within a few seconds.
broker.session.timeout.ms=3000
# A controller that hears nothing from the quorum leader for 2 s starts an election
# [2000], which must finish within 1 s [1000]; a killed active controller is replaced
# in a few seconds. Written down so the failover timing does not depend on defaults.
controller.quorum.fetch.timeout.ms=2000
controller.quorum.election.timeout.ms=1000
# A follower that has not caught up for 10 s leaves the ISR [30000]: a dead follower
# stops counting toward acks=all sooner, while a briefly slow one on this shared
# machine is not dropped at once.
replica.lag.time.max.ms=10000
EOF
}

# The cluster id every node is formatted with: made once, kept until reset. A Kafka
# uuid is 16 random bytes in unpadded base64url.
cluster_id() {
  local f="$CLUSTER_HOME/cluster.id"
  if [[ ! -s "$f" ]]; then
    mkdir -p "$CLUSTER_HOME"
    head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$f"
  fi
  cat "$f"
}

# node_cmd N: sets NODE_CMD to the kafka.sh command line for node N (arguments follow).
NODE_CMD=()
node_cmd() {
  local n="$1"
  NODE_CMD=(env KAFKA_HOME="$(node_home "$n")" KAFKA_HOST="$HOST"
    KAFKA_PORT="$(broker_port "$n")" KAFKA_CONTROLLER_PORT="$(controller_port "$n")"
    KAFKA_NODE_ID="$n" KAFKA_QUORUM_VOTERS="$VOTERS" KAFKA_CLUSTER_ID="$CLUSTER_ID"
    KAFKA_DEFAULT_REPLICATION=3 KAFKA_SKIP_TOPICS=1
    KAFKA_EXTRA_CONFIG="$CLUSTER_HOME/failover.properties" KAFKA_EXTRA_LISTENERS= KAFKA_FORMAT_ARGS=
    KAFKA_HEAP_OPTS="$HEAP_OPTS" KAFKA_READY_TIMEOUT="$KAFKA_READY_TIMEOUT"
    KAFKA_STOP_TIMEOUT="$KAFKA_STOP_TIMEOUT"
    bash "$SCRIPT_DIR/kafka.sh")
}

# node_sh N ARGS...: runs kafka.sh for node N.
node_sh() {
  node_cmd "$1"
  "${NODE_CMD[@]}" "${@:2}"
}

node_pid() { local f; f="$(node_home "$1")/kafka.pid"; [[ -f "$f" ]] && tr -dc "0-9" <"$f"; true; }

# node_alive N: true when node N's recorded pid is a live broker of that node's home.
node_alive() {
  local pid
  pid="$(node_pid "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null \
    && [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *kafka.Kafka*"$(node_home "$1")/config/server.properties"* ]]
}

check_node() { [[ "${1:-}" =~ ^[123]$ ]] || die "node must be 1, 2 or 3, got '${1:-}'"; }

# Every node home links to the one copy of the jars.
prepare() {
  KAFKA_HOME="$JAR_HOME" bash "$SCRIPT_DIR/install.sh"
  write_failover_config
  CLUSTER_ID="$(cluster_id)"
  local n home
  for n in "${NODES[@]}"; do
    home="$(node_home "$n")"
    mkdir -p "$home"
    [[ -e "$home/lib" ]] || ln -s "$JAR_HOME/lib" "$home/lib"
  done
}

# wait_all PIDS...: waits for each background job; false when any failed.
wait_all() {
  local rc=0 p
  for p in "$@"; do wait "$p" || rc=1; done
  return $rc
}

# stop_nodes N...: stops the given nodes at the same time (one alone would wait for a
# quorum the others already left).
stop_nodes() {
  local -a jobs=()
  local n
  for n in "$@"; do node_sh "$n" stop & jobs+=($!); done
  wait_all "${jobs[@]}"
}

STARTED=()
STARTERS=()
on_interrupt() {
  trap - INT TERM
  err "interrupted; stopping the nodes this start launched: ${STARTED[*]:-none}"
  local p
  for p in "${STARTERS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${STARTERS[@]}"; do wait "$p" 2>/dev/null || true; done
  (( ${#STARTED[@]} > 0 )) && stop_nodes "${STARTED[@]}"
  exit 130
}

cmd_start() {
  local t0 n
  t0="$(now_ms)"
  CLUSTER_ID=""
  prepare
  trap on_interrupt INT TERM
  # All missing nodes at once: no node is ready before two of the three voters run.
  for n in "${NODES[@]}"; do
    if node_alive "$n"; then
      log "node $n already running (pid $(node_pid "$n"))"
      continue
    fi
    STARTED+=("$n")
    # A plain command, not a function, in the background: $! is kafka.sh itself, so a
    # SIGTERM from on_interrupt reaches its own trap, which stops its broker.
    node_cmd "$n"
    "${NODE_CMD[@]}" start & STARTERS+=($!)
  done
  if ! wait_all "${STARTERS[@]}"; then
    err "a node did not start; stopping the nodes this start launched: ${STARTED[*]}"
    trap - INT TERM
    stop_nodes "${STARTED[@]}" || true
    exit 1
  fi
  STARTERS=()

  local elapsed_s=$(( ($(now_ms) - t0) / 1000 )) left
  left=$(( KAFKA_READY_TIMEOUT - elapsed_s ))
  (( left > 5 )) || left=5
  if ! (cd "$REPO_ROOT" && KAFKA_BROKERS="$BROKERS" KAFKA_EXPECT_BROKERS=3 \
        KAFKA_READY_TIMEOUT_MS=$(( left * 1000 )) node --import tsx scripts/kafka/cluster-ready.ts) \
     || ! (cd "$REPO_ROOT" && KAFKA_BROKERS="$BROKERS" KAFKA_REPLICATION_FACTOR=3 \
        KAFKA_MIN_INSYNC_REPLICAS=2 KAFKA_READY_TIMEOUT_MS=$(( left * 1000 )) \
        node --import tsx scripts/kafka/ensure-topics.ts); then
    err "the cluster is not ready; stopping the nodes this start launched: ${STARTED[*]:-none}"
    err "logs: $CLUSTER_HOME/node-*/kafka.log"
    trap - INT TERM
    (( ${#STARTED[@]} > 0 )) && stop_nodes "${STARTED[@]}"
    exit 1
  fi
  trap - INT TERM
  log "cluster is up on $BROKERS; start + topics took $(secs_since "$t0")s"
}

cmd_start_node() {
  check_node "$1"
  local t0
  t0="$(now_ms)"
  prepare
  node_sh "$1" start
  log "node $1 started in $(secs_since "$t0")s (it rejoins the ISR once it has caught up)"
}

cmd_kill_node() {
  check_node "$1"
  local pid _
  if ! node_alive "$1"; then
    log "node $1 is not running"
    return 0
  fi
  pid="$(node_pid "$1")"
  kill -KILL "$pid"
  for _ in $(seq 50); do node_alive "$1" || break; sleep 0.1; done
  node_alive "$1" && die "node $1 (pid $pid) survived SIGKILL"
  rm -f "$(node_home "$1")/kafka.pid"
  log "node $1 (pid $pid) killed at $(date -Is)"
}

cmd_status() {
  local n rc=0 home
  for n in "${NODES[@]}"; do
    home="$(node_home "$n")"
    if node_alive "$n" && timeout 1 bash -c "exec 3<>/dev/tcp/$HOST/$(broker_port "$n")" 2>/dev/null; then
      log "node $n: running (pid $(node_pid "$n")), listening on $HOST:$(broker_port "$n")"
    elif node_alive "$n"; then
      log "node $n: process running (pid $(node_pid "$n")) but $HOST:$(broker_port "$n") does not accept connections; see $home/kafka.log"
      rc=3
    else
      log "node $n: not running"
      rc=3
    fi
  done
  return $rc
}

cmd_stop() {
  local t0
  t0="$(now_ms)"
  CLUSTER_ID=""
  stop_nodes "${NODES[@]}"
  log "all nodes stopped in $(secs_since "$t0")s"
}

cmd_reset() {
  cmd_stop
  local n
  for n in "${NODES[@]}"; do rm -rf "$(node_home "$n")/data" "$(node_home "$n")/config"; done
  rm -f "$CLUSTER_HOME/cluster.id"
  log "deleted the nodes' data in $CLUSTER_HOME (jars kept)"
}

CLUSTER_ID=""
case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  start-node) cmd_start_node "${2:-}" ;;
  stop-node) check_node "${2:-}"; node_sh "$2" stop ;;
  kill-node) cmd_kill_node "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|reset|start-node N|stop-node N|kill-node N" >&2; exit 2 ;;
esac
