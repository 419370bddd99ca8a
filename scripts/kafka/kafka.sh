#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft combined mode: broker + controller, no ZooKeeper) for
# development and tests, without Docker. Jars come from Maven Central (see install.sh).
#
#   bash scripts/kafka/kafka.sh start    # install jars if missing, format once, start,
#                                        # wait until kafkajs gets answers, create topics
#   bash scripts/kafka/kafka.sh stop     # SIGTERM by recorded pid, SIGKILL as a last resort
#   bash scripts/kafka/kafka.sh status   # exit 0 running and answering, 3 not running
#   bash scripts/kafka/kafka.sh reset    # stop and delete the data dir (keeps the jars)
#
# Env (defaults):
#   KAFKA_HOME=<repo>/.local/kafka   state: lib/, config/, data/, kafka.pid, kafka.log
#   KAFKA_HOST=127.0.0.1  KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093
#   KAFKA_READY_TIMEOUT=90 (s)  KAFKA_STOP_TIMEOUT=30 (s)  KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"
#   KAFKA_EXTRA_LISTENERS=""  more listeners beside PLAINTEXT, comma separated, each named
#                             after its security protocol, e.g.
#                             SASL_PLAINTEXT://127.0.0.1:19294,SASL_SSL://127.0.0.1:19295
#   KAFKA_EXTRA_CONFIG=""     a file whose lines are added to server.properties (the extra
#                             listeners' SASL mechanisms, users, keystores)
#   KAFKA_FORMAT_ARGS=""      more arguments for the first start's format of the data dir,
#                             split on spaces, e.g. SCRAM users:
#                             --add-scram SCRAM-SHA-512=[name=shop,password=...]
# Knobs for a node of a multi-node cluster (scripts/kafka/cluster.sh sets them all):
#   KAFKA_NODE_ID=1           node.id of this broker+controller
#   KAFKA_QUORUM_VOTERS=""    static controller quorum, e.g. 1@127.0.0.1:29093,2@...,3@...;
#                             empty: this node is the only voter (formatted --standalone)
#   KAFKA_CLUSTER_ID=""       cluster id for the first format, the same on every node of a
#                             cluster; empty: a random one
#   KAFKA_DEFAULT_REPLICATION=1  replicas of new and internal topics; above 1 the broker also
#                             asks for min.insync.replicas=replication-1 and forbids unclean
#                             leader election
#   KAFKA_SKIP_TOPICS=""      1: start only waits until the broker port accepts connections
#                             and creates no topics (a lone cluster node cannot answer yet)
# Several brokers can run side by side with distinct KAFKA_HOME and ports. The PLAINTEXT
# listener stays on every broker: it is the inter-broker listener and the one this
# script's readiness check talks to.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$REPO_ROOT/.local/kafka}"
KAFKA_HOST="${KAFKA_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_EXTRA_LISTENERS="${KAFKA_EXTRA_LISTENERS:-}"
KAFKA_EXTRA_CONFIG="${KAFKA_EXTRA_CONFIG:-}"
KAFKA_FORMAT_ARGS="${KAFKA_FORMAT_ARGS:-}"
KAFKA_NODE_ID="${KAFKA_NODE_ID:-1}"
KAFKA_QUORUM_VOTERS="${KAFKA_QUORUM_VOTERS:-}"
KAFKA_CLUSTER_ID="${KAFKA_CLUSTER_ID:-}"
KAFKA_DEFAULT_REPLICATION="${KAFKA_DEFAULT_REPLICATION:-1}"
KAFKA_SKIP_TOPICS="${KAFKA_SKIP_TOPICS:-}"
export KAFKA_HOME

LIB_DIR="$KAFKA_HOME/lib"
CONFIG_DIR="$KAFKA_HOME/config"
DATA_DIR="$KAFKA_HOME/data"
PID_FILE="$KAFKA_HOME/kafka.pid"
LOG_FILE="$KAFKA_HOME/kafka.log"
LOCK_FILE="$KAFKA_HOME/.lock"

DAEMON_NAME=kafka DAEMON_WHAT=broker DAEMON_SCRIPT=kafka.sh
DAEMON_PID_FILE="$PID_FILE" DAEMON_LOCK_FILE="$LOCK_FILE" DAEMON_LOCK_WAIT=180
DAEMON_STOP_TIMEOUT="$KAFKA_STOP_TIMEOUT" DAEMON_POLL=0.2
# shellcheck source=scripts/lib/daemon.sh
source "$SCRIPT_DIR/../lib/daemon.sh"

require_numbers KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_READY_TIMEOUT KAFKA_STOP_TIMEOUT \
  KAFKA_NODE_ID KAFKA_DEFAULT_REPLICATION
(( KAFKA_DEFAULT_REPLICATION >= 1 )) || die "KAFKA_DEFAULT_REPLICATION must be at least 1"
[[ -z "$KAFKA_QUORUM_VOTERS" || "$KAFKA_QUORUM_VOTERS" =~ ^[0-9]+@[A-Za-z0-9.-]+:[0-9]+(,[0-9]+@[A-Za-z0-9.-]+:[0-9]+)*$ ]] \
  || die "KAFKA_QUORUM_VOTERS: '$KAFKA_QUORUM_VOTERS' is not id@host:port,id@host:port,..."
[[ -z "$KAFKA_CLUSTER_ID" || "$KAFKA_CLUSTER_ID" =~ ^[A-Za-z0-9_-]{22}$ ]] \
  || die "KAFKA_CLUSTER_ID must be a 22 character Kafka uuid (base64url)"
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
# Each extra listener is named after its protocol, so the protocol map below covers it.
EXTRA_PORTS=()
if [[ -n "$KAFKA_EXTRA_LISTENERS" ]]; then
  IFS=, read -ra extra_listeners <<<"$KAFKA_EXTRA_LISTENERS"
  for l in "${extra_listeners[@]}"; do
    [[ "$l" =~ ^(SSL|SASL_PLAINTEXT|SASL_SSL)://[A-Za-z0-9.-]+:([0-9]+)$ ]] \
      || die "KAFKA_EXTRA_LISTENERS: '$l' is not SSL|SASL_PLAINTEXT|SASL_SSL://host:port"
    EXTRA_PORTS+=("${BASH_REMATCH[2]}")
  done
fi
[[ -z "$KAFKA_EXTRA_CONFIG" || -r "$KAFKA_EXTRA_CONFIG" ]] || die "KAFKA_EXTRA_CONFIG: cannot read $KAFKA_EXTRA_CONFIG"

# True when $1 is a live (non-zombie) Kafka broker started from this KAFKA_HOME.
is_ours() { live_pid "$1" && [[ "$(pid_cmdline "$1")" == *kafka.Kafka*"$CONFIG_DIR/server.properties"* ]]; }

java_cmd() {
  # shellcheck disable=SC2206
  local heap=($KAFKA_HEAP_OPTS)
  printf '%s\0' java "${heap[@]}" -server \
    -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dlog4j.configuration=file:$CONFIG_DIR/log4j.properties" \
    -cp "$LIB_DIR/*" "$@"
}

run_java() {
  local -a cmd
  mapfile -d '' cmd < <(java_cmd "$@")
  "${cmd[@]}"
}

write_config() {
  mkdir -p "$CONFIG_DIR"
  local h="$KAFKA_HOST" p="$KAFKA_PORT" c="$KAFKA_CONTROLLER_PORT" extra=""
  [[ -n "$KAFKA_EXTRA_LISTENERS" ]] && extra=",$KAFKA_EXTRA_LISTENERS"
  # A lone node finds its quorum through its own controller port; a cluster node has
  # a fixed list of voters.
  local quorum="controller.quorum.bootstrap.servers=$h:$c"
  [[ -n "$KAFKA_QUORUM_VOTERS" ]] && quorum="controller.quorum.voters=$KAFKA_QUORUM_VOTERS"
  local r="$KAFKA_DEFAULT_REPLICATION" isr=1
  (( r > 1 )) && isr=$(( r - 1 ))
  cat >"$CONFIG_DIR/server.properties" <<EOF
# Generated by scripts/kafka/kafka.sh on every start: edit the script, not this file.
# Single-node KRaft combined mode for development and tests.
process.roles=broker,controller
node.id=$KAFKA_NODE_ID
$quorum
listeners=PLAINTEXT://$h:$p,CONTROLLER://$h:$c$extra
advertised.listeners=PLAINTEXT://$h:$p,CONTROLLER://$h:$c$extra
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
log.dirs=$DATA_DIR

# Topics are created explicitly (lib/infrastructure/kafka/topics.ts), never by accident.
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=$r
min.insync.replicas=$isr

# Internal topics: few partitions, so startup and group coordination are quick.
offsets.topic.replication.factor=$r
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$r
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0

# Small machine (2 cores): fewer threads than the defaults.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4

# Dev data does not need to live long.
log.retention.hours=24
log.segment.bytes=104857600
log.retention.check.interval.ms=300000
EOF
  if (( r > 1 )); then
    # With replicas, an out-of-sync replica must never become leader: it would drop
    # writes that acks=all already confirmed. (Kafka's default, written down on purpose.)
    printf '\n# Replicated: never elect an out-of-sync leader.\nunclean.leader.election.enable=false\n' \
      >>"$CONFIG_DIR/server.properties"
  fi
  if [[ -n "$KAFKA_EXTRA_CONFIG" ]]; then
    printf '\n# From KAFKA_EXTRA_CONFIG (%s)\n' "$KAFKA_EXTRA_CONFIG" >>"$CONFIG_DIR/server.properties"
    cat "$KAFKA_EXTRA_CONFIG" >>"$CONFIG_DIR/server.properties"
  fi
  cat >"$CONFIG_DIR/log4j.properties" <<'EOF'
# Quiet broker log: warnings and errors only, plus the start/stop lines.
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=WARN
log4j.logger.org.apache.kafka=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.kafka.authorizer.logger=WARN
log4j.logger.kafka.server.KafkaRaftServer=INFO
log4j.logger.org.apache.kafka.common.utils.AppInfoParser=INFO
EOF
}

# Formats the KRaft log dir once (a formatted dir has meta.properties). Changing the
# ports later is fine for this single voter (checked: restarts on other ports work).
# With KAFKA_QUORUM_VOTERS the voters come from the config, so no --standalone.
format_if_needed() {
  [[ -f "$DATA_DIR/meta.properties" ]] && return 0
  local cluster_id="$KAFKA_CLUSTER_ID"
  [[ -n "$cluster_id" ]] || cluster_id="$(run_java kafka.tools.StorageTool random-uuid | tail -n1)"
  [[ -n "$cluster_id" ]] || die "StorageTool random-uuid printed nothing"
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  # Format a scratch dir and rename it, so an interrupted format never leaves a
  # half-formatted data dir behind.
  local tmp="$DATA_DIR.formatting"
  rm -rf "$tmp" "$DATA_DIR"
  sed "s|^log.dirs=.*|log.dirs=$tmp|" "$CONFIG_DIR/server.properties" >"$CONFIG_DIR/format.properties"
  local -a extra_args=()
  [[ -n "$KAFKA_FORMAT_ARGS" ]] && read -ra extra_args <<<"$KAFKA_FORMAT_ARGS"
  [[ -z "$KAFKA_QUORUM_VOTERS" ]] && extra_args=(--standalone "${extra_args[@]}")
  # --cluster-id=ID, not -t ID: an id is base64url and may begin with "-", which the
  # argument parser would take for an option (seen: "-i9514fDeoXkniITL5xa-A").
  run_java kafka.tools.StorageTool format --cluster-id="$cluster_id" \
    -c "$CONFIG_DIR/format.properties" "${extra_args[@]}" >>"$LOG_FILE" 2>&1 \
    || { tail -n 20 "$LOG_FILE" >&2; die "formatting the KRaft log dir failed"; }
  mv "$tmp" "$DATA_DIR"
  rm -f "$CONFIG_DIR/format.properties"
}

# Waits until the broker answers a kafkajs admin call, then creates the topics.
# $1 = epoch ms the broker was launched at (for the readiness time), "" if unknown.
# $2 = broker pid to watch (fail fast if it dies).
NODE_PID=""
wait_ready_and_ensure_topics() {
  local since="$1" pid="$2" node_pid rc=0
  if [[ "$KAFKA_SKIP_TOPICS" == 1 ]]; then
    wait_ready "$pid" "$KAFKA_READY_TIMEOUT" "$KAFKA_HOST:$KAFKA_PORT" listening "$LOG_FILE"
    return
  fi
  (
    cd "$REPO_ROOT"
    export KAFKA_BROKERS="$KAFKA_HOST:$KAFKA_PORT" \
      KAFKA_READY_TIMEOUT_MS="$((KAFKA_READY_TIMEOUT * 1000))" \
      KAFKA_READY_SINCE_MS="$since"
    exec 9>&- node --import tsx scripts/kafka/ensure-topics.ts
  ) &
  node_pid=$!
  NODE_PID=$node_pid
  while kill -0 "$node_pid" 2>/dev/null; do
    if ! is_ours "$pid"; then
      kill -TERM "$node_pid" 2>/dev/null || true
      wait "$node_pid" 2>/dev/null || true
      err "the broker (pid $pid) exited during startup; last lines of $LOG_FILE:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    sleep 0.2
  done
  wait "$node_pid" || rc=$?
  if [[ $rc -ne 0 ]]; then
    err "Kafka on $KAFKA_HOST:$KAFKA_PORT is not ready after ${KAFKA_READY_TIMEOUT}s (or topic creation failed); last lines of $LOG_FILE:"
    tail -n 40 "$LOG_FILE" >&2 || true
    return 1
  fi
}

cmd_start() {
  take_lock
  local pid
  pid="$(running_pid)"
  if [[ -n "$pid" ]]; then
    log "already running (pid $pid) on $KAFKA_HOST:$KAFKA_PORT"
    wait_ready_and_ensure_topics "" "$pid" || exit 1
    exit 0
  fi
  rm -f "$PID_FILE"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "${EXTRA_PORTS[@]}"; do
    if port_open "$KAFKA_HOST" "$port"; then
      die "$KAFKA_HOST:$port is already in use by another process (not started by this script); set KAFKA_PORT / KAFKA_CONTROLLER_PORT"
    fi
  done

  bash "$SCRIPT_DIR/install.sh"
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  printf '==== %s kafka.sh start (%s:%s, controller %s)\n' "$(date -Is)" \
    "$KAFKA_HOST" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" >"$LOG_FILE"
  write_config
  format_if_needed

  local -a cmd
  mapfile -d '' cmd < <(java_cmd kafka.Kafka "$CONFIG_DIR/server.properties")
  local t0
  t0="$(now_ms)"
  spawn . "$LOG_FILE" "${cmd[@]}"
  pid="$SPAWNED_PID"
  log "started java (pid $pid), log: $LOG_FILE; waiting up to ${KAFKA_READY_TIMEOUT}s for the broker"
  # Interrupted before the broker is ready: do not leave a half-started broker behind.
  # shellcheck disable=SC2064 # expand $pid now
  trap "err 'interrupted; stopping the broker (pid $pid)'; [[ -n \$NODE_PID ]] && kill -TERM \$NODE_PID 2>/dev/null; stop_pid $pid; exit 130" INT TERM

  if ! wait_ready_and_ensure_topics "$t0" "$pid"; then
    if is_ours "$pid"; then
      err "stopping the broker that did not become ready (pid $pid)"
      stop_pid "$pid"
    fi
    exit 1
  fi
  trap - INT TERM
  if [[ "$KAFKA_SKIP_TOPICS" == 1 ]]; then
    log "node $KAFKA_NODE_ID listens on $KAFKA_HOST:$KAFKA_PORT (pid $pid) after $(secs_since "$t0")s"
  else
    log "Kafka is up on $KAFKA_HOST:$KAFKA_PORT (pid $pid); start + topics took $(secs_since "$t0")s"
  fi
}

cmd_stop() { daemon_stop --timed; }

listening() { port_open "$KAFKA_HOST" "$KAFKA_PORT"; }

cmd_status() {
  daemon_status listening ", listening on $KAFKA_HOST:$KAFKA_PORT" \
    "$KAFKA_HOST:$KAFKA_PORT does not accept connections (starting or unhealthy; see $LOG_FILE)"
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA_DIR" "$CONFIG_DIR"
  log "deleted $DATA_DIR (jars in $LIB_DIR kept)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 start|stop|status|reset" >&2; exit 2 ;;
esac
