#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules with promtool:
#   promtool check config   prometheus.yml (with the rule files and the token file it names)
#   promtool check rules    alerts.yml
#   promtool test rules     alerts.test.yml (each alert fires on synthetic series, or stays quiet)
#
#   bash scripts/prometheus/check.sh          # checks ops/prometheus
#   bash scripts/prometheus/check.sh DIR      # checks another copy (the unit test breaks one on purpose)
#
# Exit 0 when all three pass, 1 otherwise (also when promtool is missing: a check that
# cannot run must not look like one that passed).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
DIR="${1:-$REPO_ROOT/ops/prometheus}"

log() { printf '[prometheus-check] %s\n' "$*"; }
die() { printf '[prometheus-check] ERROR: %s\n' "$*" >&2; exit 1; }

if ! command -v promtool >/dev/null 2>&1; then
  die "promtool not found on PATH, so the Prometheus rules cannot be checked.
Install it (Debian/Ubuntu: sudo apt-get install -y prometheus, which brings promtool; do not
enable the service it installs), or put the promtool of a Prometheus release on PATH."
fi
for f in prometheus.yml alerts.yml alerts.test.yml; do
  [[ -f "$DIR/$f" ]] || die "$DIR/$f is missing"
done

# promtool check config also opens the files the config names, among them the bearer token
# file (git-ignored, written by whoever runs Prometheus). Check a copy that has a dummy token,
# so the check needs no secret and never touches the real one.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cp -R "$DIR/." "$tmp/"
mkdir -p "$tmp/secrets"
printf 'promtool-check-dummy-token' >"$tmp/secrets/metrics-token"

failed=0
run() {
  log "promtool $*"
  # promtool prints SUCCESS/FAILED lines itself; keep them, the test tier shows them on failure.
  if ! (cd "$tmp" && promtool "$@"); then
    failed=1
  fi
}
run check config prometheus.yml
run check rules alerts.yml
run test rules alerts.test.yml

if [[ $failed -ne 0 ]]; then
  die "Prometheus config or rules in $DIR failed the checks above"
fi
log "config, rules and rule tests in $DIR pass ($(promtool --version 2>&1 | head -n1))"
