#!/usr/bin/env bash
# CI gate: exits non-zero when prisma/schema.prisma and prisma/migrations drift
# apart. Needs PostgreSQL (DB_ADMIN_URL, else TEST_DATABASE_ADMIN_URL, else
# postgresql://postgres@127.0.0.1:5432/postgres) and pg_dump on PATH.
# How it compares: see the header of scripts/db/check-drift.ts.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
command -v pg_dump > /dev/null || { echo "check-drift: pg_dump not found on PATH" >&2; exit 1; }
cd "$ROOT"
exec node_modules/.bin/tsx scripts/db/check-drift.ts "$@"
