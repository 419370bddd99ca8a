#!/usr/bin/env bash
# Fetch the Zipkin server (one self-contained "exec" jar, io.zipkin:zipkin-server) from Maven
# Central into $ZIPKIN_HOME/lib. Idempotent: does nothing when that version is already there.
#
#   bash scripts/zipkin/install.sh          # install if missing
#   bash scripts/zipkin/install.sh --force  # re-install
#
# Env: ZIPKIN_HOME (default <repo>/.local/zipkin). Needs Java 17+ and Maven on PATH.
# Maven keeps a copy in ~/.m2 (~131 MB), so a second machine-local install works offline.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
ZIPKIN_HOME="${ZIPKIN_HOME:-$REPO_ROOT/.local/zipkin}"
LIB_DIR="$ZIPKIN_HOME/lib"
# The version is pinned here; zipkin.sh runs whatever jar this script installed.
ARTIFACT="io.zipkin:zipkin-server:3.5.1:jar:exec"
JAR_NAME="zipkin-server-3.5.1-exec.jar"
STAMP="$LIB_DIR/.installed"

log() { printf '[zipkin-install] %s\n' "$*"; }
die() { printf '[zipkin-install] ERROR: %s\n' "$*" >&2; exit 1; }

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  *) die "usage: $0 [--force]" ;;
esac

command -v java >/dev/null 2>&1 || die "java not found on PATH (Java 17+ is required)"
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (apt-get install -y maven)"

# The stamp records the artifact: bumping the version above re-installs.
if [[ $force -eq 0 && -f "$STAMP" && "$(cat "$STAMP")" == "$ARTIFACT" && -f "$LIB_DIR/$JAR_NAME" ]]; then
  log "jar already installed in $LIB_DIR"
  exit 0
fi

mkdir -p "$ZIPKIN_HOME"
tmp="$ZIPKIN_HOME/lib.tmp.$$"
trap 'rm -rf "$tmp"' EXIT
rm -rf "$tmp"

log "downloading $ARTIFACT with Maven into $LIB_DIR (first run fetches ~131 MB from Maven Central)"
start=$(date +%s)
mvn_log="$ZIPKIN_HOME/install-mvn.log"
# dependency:copy needs no pom: it resolves the one jar (through ~/.m2) and copies it.
# Maven's output only matters when it fails (with -q it prints stray colour codes).
if ! (cd "$SCRIPT_DIR" && mvn -q -B -Dstyle.color=never dependency:copy \
      -Dartifact="$ARTIFACT" -Dtransitive=false -Dmdep.stripVersion=false \
      -DoutputDirectory="$tmp") >"$mvn_log" 2>&1; then
  cat "$mvn_log" >&2
  die "Maven could not fetch the Zipkin jar (output above, also in $mvn_log)"
fi
rm -f "$mvn_log"

[[ -f "$tmp/$JAR_NAME" ]] || die "Maven finished but $JAR_NAME was not copied"
echo "$ARTIFACT" > "$tmp/.installed"

# Swap in atomically-ish so an interrupted download never leaves a half-filled lib/.
rm -rf "$LIB_DIR"
mv "$tmp" "$LIB_DIR"
trap - EXIT
log "installed $JAR_NAME in $(( $(date +%s) - start ))s"
