#!/usr/bin/env bash
# Runs every test against real services, then stops what it started:
#   lint (dependency rule) · types · production dependencies' advisories (npm audit) ·
#   schema/migration drift · unit · integration
#   (PostgreSQL, Redis, Kafka, SMTP) · fault tests (a broker of their own, stopped and
#   restarted; worker processes killed) · end-to-end in Chromium (app + worker + broker) ·
#   the scale drill (3 brokers, 2 web instances behind nginx, 2 workers, under faults).
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

export NEXT_TELEMETRY_DISABLED=1
export TEST_DATABASE_ADMIN_URL="${TEST_DATABASE_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:1025}"
export SMTP_SINK_HTTP_URL="${SMTP_SINK_HTTP_URL:-http://127.0.0.1:1080}"
E2E_PORT="${E2E_PORT:-3100}"
REPORTS=.local/test-reports
mkdir -p "$REPORTS"
rm -f "$REPORTS"/*.json

trap stop_everything EXIT
trap 'exit 130' INT TERM

step() { printf '\n== %s\n' "$1"; }
t0=$SECONDS

step "services"
[[ -d node_modules ]] || npm ci --no-audit --no-fund
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM_PATH" ]]; then
  echo "Chromium is needed for the end-to-end tests: apt-get install chromium (or set CHROMIUM_PATH)." >&2
  exit 1
fi
export CHROMIUM_PATH
ensure_postgres "$TEST_DATABASE_ADMIN_URL"
ensure_redis "$REDIS_URL"
ensure_service kafka scripts/kafka/kafka.sh
ensure_service smtp-sink scripts/smtp-sink/sink.sh
ensure_service zipkin scripts/zipkin/zipkin.sh
# For tests that read back the spans the web and the worker sent.
export ZIPKIN_URL="${ZIPKIN_URL:-http://127.0.0.1:${ZIPKIN_PORT:-9411}}"

step "lint (includes the dependency rule)"
npx eslint .
step "types"
npx tsc --noEmit
step "production dependencies: no high or critical advisories (npm audit --omit=dev)"
# Advisories found always fail. This platform's registry mirror answers audit requests with
# 405 (seen 2026-12-02), so here an unanswered audit is a warning, repeated above the last
# line; set NPM_AUDIT_UNREACHABLE=fail where the registry answers audits.
NPM_AUDIT_UNREACHABLE="${NPM_AUDIT_UNREACHABLE:-warn}" npx tsx scripts/security/npm-audit.ts 2>&1 | tee "$REPORTS/npm-audit.log"
step "schema.prisma and migrations agree"
bash scripts/db/check-drift.sh

step "unit tests"
npx vitest run --project unit --reporter=default --reporter=json --outputFile="$REPORTS/unit.json"
step "integration tests (PostgreSQL, Redis, Kafka, SMTP)"
npx vitest run --project integration --reporter=default --reporter=json --outputFile="$REPORTS/integration.json"

step "fault tests (own broker, stopped and restarted; workers killed)"
rm -f "$REPORTS/fault-figures.jsonl"
npx vitest run --project fault --reporter=default --reporter=json --outputFile="$REPORTS/fault.json"
cat "$REPORTS/fault-figures.jsonl"

step "end-to-end tests (Chromium)"
E2E_DB="storefront_e2e"
E2E_DATABASE_URL="$(node -e 'const u=new URL(process.argv[1]); u.pathname="/"+process.argv[2]; console.log(u.toString())' "$TEST_DATABASE_ADMIN_URL" "$E2E_DB")"
node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1] });
  (async () => { await c.connect(); await c.query(`DROP DATABASE IF EXISTS ${process.argv[2]} WITH (FORCE)`); await c.query(`CREATE DATABASE ${process.argv[2]}`); await c.end(); })()
    .catch((e) => { console.error(e); process.exit(1); });
' "$TEST_DATABASE_ADMIN_URL" "$E2E_DB"
export DATABASE_URL="$E2E_DATABASE_URL"
export APP_URL="http://127.0.0.1:$E2E_PORT"
# The web runs as production does (next start): three distinct secrets of 32+ random bytes.
random_secret() { node -e 'console.log(require("crypto").randomBytes(32).toString("base64url"))'; }
export AUTH_SECRET="${AUTH_SECRET:-$(random_secret)}"
export API_TOKEN_SECRET="${API_TOKEN_SECRET:-$(random_secret)}"
export REQUEST_FINGERPRINT_SECRET="${REQUEST_FINGERPRINT_SECRET:-$(random_secret)}"
export AUTH_TRUST_HOST=true
export PAYMENTS_PROVIDER=fake
# The web and the worker send their spans to the Zipkin started above: tracing-api.spec.ts
# reads a checkout's trace back from it, and the logs check expects trace ids (ADR 013).
export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-$ZIPKIN_URL/api/v2/spans}"
# The web's /api/metrics answers a scraper with this token; tracing-api.spec.ts scrapes it and the worker's.
export METRICS_TOKEN="${METRICS_TOKEN:-e2e-metrics-$(date +%s)-$RANDOM}"
export E2E_WORKER_METRICS_URL="http://127.0.0.1:${WORKER_HTTP_PORT:-9464}/metrics"
# Own topics and consumer groups, so a broker shared with a running shop is not disturbed.
export KAFKA_TOPIC_PREFIX="e2e-$(date +%s)."
# Own rate-limit counts: the e2e database is new each run, but Redis keeps counts for their window.
export REDIS_KEY_PREFIX="e2e-$(date +%s):"
# Every journey registers its shoppers from 127.0.0.1: the per-address registration limit would stop the suite.
export REGISTRATION_LIMIT_PER_IP_PER_HOUR=100000 REGISTRATION_LIMIT_PER_MINUTE=100000
# Short payment windows so the expiry journey finishes in seconds.
export RESERVATION_TTL_SECONDS=20 EXPIRY_INTERVAL_MS=1000
# The journeys act as the proxy in front of the shop: each sends its own X-Forwarded-For, so that
# their sign-ins and API calls count against addresses of their own (and the rate limits can be tested).
export TRUSTED_PROXY_HOPS=1
# Images uploaded by the back-office journeys, apart from the shop's own.
export MEDIA_DIR=".local/test-media"
rm -rf "$MEDIA_DIR"
ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD="e2e-admin-password" npx tsx scripts/db/migrate.ts
ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD="e2e-admin-password" npx tsx prisma/seed.ts
npx tsx scripts/kafka/ensure-topics.ts
npm run build # the pages and the worker's bundle
# The web and worker run with the heap caps of npm start (scripts/run.sh), so the suite runs inside them.
NODE_OPTIONS="$(heap_options "${WEB_HEAP_MB:-192}")" start_background web "$REPORTS/web.log" node_modules/.bin/next start -H 127.0.0.1 -p "$E2E_PORT"
# A second web instance on the same database: page-cache-api.spec.ts changes a price through one
# and expects the other's cached pages to follow (docs/decisions/012-performance.md).
NODE_OPTIONS="$(heap_options "${WEB_HEAP_MB:-192}")" start_background web2 "$REPORTS/web2.log" node_modules/.bin/next start -H 127.0.0.1 -p "$((E2E_PORT + 1))"
# shellcheck disable=SC2046 # two options, split on purpose
LOG_FORMAT=json start_background worker "$REPORTS/worker.log" node $(heap_options "${WORKER_HEAP_MB:-128}" 4) --enable-source-maps dist/worker/main.mjs
wait_for_url "http://127.0.0.1:$E2E_PORT/api/v1/health" 60 web
wait_for_url "http://127.0.0.1:$((E2E_PORT + 1))/api/v1/health" 60 web2
E2E_BASE_URL="http://127.0.0.1:$E2E_PORT" E2E_SECOND_BASE_URL="http://127.0.0.1:$((E2E_PORT + 1))" PLAYWRIGHT_JSON_OUTPUT_NAME="$REPORTS/e2e.json" \
  npx playwright test --reporter=list,json || e2e_failed=1

step "benchmark, smoke mode (proves npm run bench works; figures printed, nothing asserted)"
BENCH_SMOKE=1 BENCH_URL="http://127.0.0.1:$E2E_PORT" npx tsx scripts/bench/bench.ts
# The journeys' web instances and worker stop here (their logs are complete for the logs check);
# Redis and PostgreSQL stay for the drill.
stop_background

step "scale drill (3 brokers, 2 web instances behind nginx, 2 workers; a broker, a worker and a web instance killed)"
# On the journeys' build. Its own database, topics, ports and SMTP server; it starts and stops the
# cluster (scripts/kafka/cluster.sh) and nginx (scripts/nginx/lb.sh) itself.
rm -f "$REPORTS/scale-figures.json"
# Stopped with the rest (a no-op when the drill stopped them), also when the drill dies.
STARTED_SERVICES+=("kafka-cluster:scripts/kafka/cluster.sh" "nginx:scripts/nginx/lb.sh")
npx vitest run --project scale --reporter=default --reporter=json --outputFile="$REPORTS/scale.json" || scale_failed=1
stop_everything

step "the journeys' logs: structured, and free of the secrets the journeys used"
# After stop_everything, so the web, web2 and worker logs are complete.
npx vitest run --project logs --reporter=default --reporter=json --outputFile="$REPORTS/logs.json" || logs_failed=1

summary="$(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of ["unit", "integration", "fault", "scale", "logs"]) {
    const r = JSON.parse(fs.readFileSync(`${process.argv[1]}/${f}.json`, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  const e = JSON.parse(fs.readFileSync(`${process.argv[1]}/e2e.json`, "utf8")).stats;
  passed += e.expected; failed += e.unexpected + e.flaky; skipped += e.skipped;
  console.log(`tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$REPORTS")"
if grep -q "WARNING" "$REPORTS/npm-audit.log"; then
  printf '\nnpm audit: NOT RUN, the registry did not answer; production dependencies unchecked for advisories\n'
fi
printf '\n(all tests took %ss)\n%s\n' "$((SECONDS - t0))" "$summary"
[[ -z "${e2e_failed:-}" && -z "${logs_failed:-}" && -z "${scale_failed:-}" ]]
