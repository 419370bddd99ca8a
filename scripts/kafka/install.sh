#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars (and their runtime dependencies) from Maven Central
# into $KAFKA_HOME/lib, using scripts/kafka/pom.xml. Idempotent: does nothing when the
# jars for the current pom.xml are already there.
#
#   bash scripts/kafka/install.sh          # install if missing
#   bash scripts/kafka/install.sh --force  # re-install
#
# Env: KAFKA_HOME (default <repo>/.local/kafka). Needs Java 17+ and Maven on PATH.
# Maven keeps a copy in ~/.m2, so a second machine-local install works offline.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
KAFKA_HOME="${KAFKA_HOME:-$REPO_ROOT/.local/kafka}"
LIB_DIR="$KAFKA_HOME/lib"
POM="$SCRIPT_DIR/pom.xml"
STAMP="$LIB_DIR/.installed"

log() { printf '[kafka-install] %s\n' "$*"; }
die() { printf '[kafka-install] ERROR: %s\n' "$*" >&2; exit 1; }

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  *) die "usage: $0 [--force]" ;;
esac

command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17+ is required)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (apt-get install -y maven)"

# The stamp records a hash of the pom: bumping the Kafka version re-installs.
want="$(sha256sum "$POM" | cut -d' ' -f1)"
if [[ $force -eq 0 && -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]] \
   && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
  log "jars already installed in $LIB_DIR"
  exit 0
fi

mkdir -p "$KAFKA_HOME"
tmp="$KAFKA_HOME/lib.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"

log "downloading Kafka broker jars with Maven into $LIB_DIR (first run fetches ~60 jars from Maven Central)"
start=$(date +%s)
mvn_log="$KAFKA_HOME/install-mvn.log"
# Maven's output only matters when it fails (with -q it prints stray colour codes).
if ! (cd "$SCRIPT_DIR" && mvn -q -B -Dstyle.color=never dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp") >"$mvn_log" 2>&1; then
  cat "$mvn_log" >&2
  die "Maven could not fetch the Kafka jars (output above, also in $mvn_log)"
fi
rm -f "$mvn_log"

compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || die "Maven finished but no kafka_2.13 jar was copied"
echo "$want" > "$tmp/.installed"

# Swap in atomically-ish so an interrupted download never leaves a half-filled lib/.
rm -rf "$LIB_DIR"
mv "$tmp" "$LIB_DIR"
trap - EXIT
log "installed $(find "$LIB_DIR" -name '*.jar' | wc -l) jars in $(( $(date +%s) - start ))s: $(basename "$(ls "$LIB_DIR"/kafka_2.13-*.jar)")"
