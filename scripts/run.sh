#!/usr/bin/env bash
# Runs the shop: the storefront (Next.js) and the worker, plus what they need on
# this machine. PostgreSQL must be running (it says how to start it if not);
# Redis, Kafka, the SMTP sink and Zipkin (traces) are started here unless
# already running, or unless REDIS_URL / KAFKA_BROKERS / SMTP_URL /
# OTEL_EXPORTER_ZIPKIN_ENDPOINT point elsewhere (OTEL_EXPORTER_ZIPKIN_ENDPOINT=""
# exports no traces and starts no Zipkin). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib/services.sh
source scripts/lib/services.sh

[[ -f .env ]] && { set -a; source .env; set +a; }
export NEXT_TELEMETRY_DISABLED=1
export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/storefront}"
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export SMTP_URL="${SMTP_URL:-smtp://127.0.0.1:1025}"
# Where the web and the worker send spans; set but empty: no export (hence "-", not ":-").
ZIPKIN_LOCAL_URL="http://127.0.0.1:${ZIPKIN_PORT:-9411}"
export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT-$ZIPKIN_LOCAL_URL/api/v2/spans}"
export PORT="${PORT:-3000}"
export APP_URL="${APP_URL:-http://localhost:$PORT}"
export AUTH_TRUST_HOST="${AUTH_TRUST_HOST:-true}"
# The bundled card processor is a fake that takes no money: chosen here on purpose
# (a production start without PAYMENTS_PROVIDER is refused).
export PAYMENTS_PROVIDER="${PAYMENTS_PROVIDER:-fake}"
# The web runs as production does (next start), which refuses missing, short, documented
# or shared secrets and an admin on a documented password: each one not given is made up
# at random on the first run and kept in .local/ (ignored by git), so restarts agree.
generated_secret() { # variable, file under .local, random bytes
  local name="$1" file=".local/$2"
  [[ -n "${!name:-}" ]] && return 0
  mkdir -p .local
  [[ -s "$file" ]] || (umask 077 && node -e 'console.log(require("crypto").randomBytes(Number(process.argv[1])).toString("base64url"))' "$3" >"$file")
  export "$name=$(cat "$file")"
  echo "[shop] $name not set: using a generated one kept in $file"
}
generated_secret AUTH_SECRET auth-secret 32
generated_secret API_TOKEN_SECRET api-token-secret 32
generated_secret REQUEST_FINGERPRINT_SECRET request-fingerprint-secret 32
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
ADMIN_PASSWORD_SHOWN="(your ADMIN_PASSWORD)"
if [[ -z "${ADMIN_PASSWORD:-}" ]]; then
  generated_secret ADMIN_PASSWORD admin-password 18
  ADMIN_PASSWORD_SHOWN="in .local/admin-password"
fi

[[ -d node_modules ]] || npm ci --no-audit --no-fund

trap stop_everything EXIT
trap 'exit 0' INT TERM

# The database itself is created if missing (needs a role allowed to create databases).
node -e '
  const { Client } = require("pg");
  const target = new URL(process.argv[1]);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(target); admin.pathname = "/postgres";
  const c = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  (async () => {
    await c.connect();
    const { rowCount } = await c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) { await c.query(`CREATE DATABASE "${name.replace(/"/g, "\"\"")}"`); console.log(`[shop] created database ${name}`); }
    await c.end();
  })().catch(() => process.exit(0));
' "$DATABASE_URL"
ensure_postgres "$DATABASE_URL"
ensure_redis "$REDIS_URL"
if [[ "$KAFKA_BROKERS" == "127.0.0.1:9092" ]]; then
  ensure_service kafka scripts/kafka/kafka.sh # also creates the topics
else
  npx tsx scripts/kafka/ensure-topics.ts
fi
if [[ "$SMTP_URL" == "smtp://127.0.0.1:1025" ]]; then
  ensure_service smtp-sink scripts/smtp-sink/sink.sh
fi
if [[ "$OTEL_EXPORTER_ZIPKIN_ENDPOINT" == "$ZIPKIN_LOCAL_URL/api/v2/spans" ]]; then
  ensure_service zipkin scripts/zipkin/zipkin.sh
  TRACES="$ZIPKIN_LOCAL_URL/zipkin/ (Zipkin)"
elif [[ -n "$OTEL_EXPORTER_ZIPKIN_ENDPOINT" ]]; then
  TRACES="sent to $OTEL_EXPORTER_ZIPKIN_ENDPOINT"
else
  TRACES="not exported (OTEL_EXPORTER_ZIPKIN_ENDPOINT is empty)"
fi

npx tsx scripts/db/migrate.ts
npx tsx prisma/seed.ts
npm run build # the pages and the worker's bundle (plain node runs it: no TypeScript loader in production)
NODE_OPTIONS="$(heap_options "${WEB_HEAP_MB:-192}") ${NODE_OPTIONS:-}" start_background web .local/web.log node_modules/.bin/next start -p "$PORT"
# shellcheck disable=SC2046 # two options, split on purpose
start_background worker .local/worker.log node $(heap_options "${WORKER_HEAP_MB:-128}" 4) --enable-source-maps dist/worker/main.mjs
wait_for_url "http://127.0.0.1:$PORT/api/v1/health" 60 web
cat <<MSG

  Storefront:   $APP_URL
  Admin:        $ADMIN_EMAIL, password $ADMIN_PASSWORD_SHOWN
  Emails:       http://127.0.0.1:${SMTP_SINK_HTTP_PORT:-1080}/messages (the local SMTP sink)
  Traces:       $TRACES
  Logs:         .local/web.log, .local/worker.log

  Ctrl-C stops the shop (and Kafka / the SMTP sink / Zipkin if this started them).
MSG
# Exit (and stop everything) as soon as the web server or the worker dies.
wait -n
echo "[shop] a process exited; stopping" >&2
exit 1
