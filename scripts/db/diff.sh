#!/usr/bin/env bash
# Prints the SQL that turns one Prisma schema into another, using the Prisma 6.19
# CLI's WebAssembly schema engine (works offline; see
# docs/decisions/001-migrations-without-engines.md).
#
#   scripts/db/diff.sh                      # from empty to prisma/schema.prisma
#   scripts/db/diff.sh --from OLD.prisma    # from OLD to prisma/schema.prisma
#   scripts/db/diff.sh --from OLD --to NEW [--exit-code]
#
# --exit-code: exit 0 when there is no difference, 2 when there is one, 1 on error.
# Needs a reachable PostgreSQL (the engine reads the server version through the
# driver adapter): DB_ADMIN_URL, else TEST_DATABASE_ADMIN_URL, else
# postgresql://postgres@127.0.0.1:5432/postgres. Nothing in it is changed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FROM=""
TO="$ROOT/prisma/schema.prisma"
EXIT_CODE_FLAG=()

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --from) FROM="${2:?--from needs a schema file}"; shift 2 ;;
    --to) TO="${2:?--to needs a schema file}"; shift 2 ;;
    --from-empty) FROM=""; shift ;;
    --exit-code) EXIT_CODE_FLAG=(--exit-code); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "diff.sh: unknown argument $1" >&2; usage; exit 1 ;;
  esac
done

CLI="$ROOT/node_modules/prisma-legacy-cli/build/index.js"
if [[ ! -f "$CLI" ]]; then
  echo "diff.sh: $CLI not found: devDependency prisma-legacy-cli (npm:prisma@6.19.3) is not installed" >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Prisma 6 insists on a `url` in the datasource block; Prisma 7 forbids it there.
# Give the temporary copies a placeholder (the adapter in the config is what connects).
# Error line numbers below the datasource block are therefore one too high.
with_placeholder_url() {
  awk '
    /^[[:space:]]*datasource[[:space:]]+[A-Za-z0-9_]+[[:space:]]*\{/ { inside = 1; has_url = 0 }
    inside && /^[[:space:]]*url[[:space:]]*=/ { has_url = 1 }
    inside && /^[[:space:]]*\}/ {
      if (!has_url) print "  url = \"postgresql://placeholder.invalid/unused\""
      inside = 0
    }
    { print }
  ' "$1" > "$2"
}

[[ -f "$TO" ]] || { echo "diff.sh: $TO not found" >&2; exit 1; }
with_placeholder_url "$TO" "$TMP/to.prisma"
if [[ -n "$FROM" ]]; then
  [[ -f "$FROM" ]] || { echo "diff.sh: $FROM not found" >&2; exit 1; }
  with_placeholder_url "$FROM" "$TMP/from.prisma"
  FROM_ARGS=(--from-schema-datamodel "$TMP/from.prisma")
else
  FROM_ARGS=(--from-empty)
fi

# Engine paths point at an existing file so that nothing tries to download one;
# the js engine never runs them.
set +e
env \
  DATABASE_URL="${DB_ADMIN_URL:-${TEST_DATABASE_ADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}}" \
  PRISMA_QUERY_ENGINE_LIBRARY="$CLI" \
  PRISMA_SCHEMA_ENGINE_BINARY="$CLI" \
  CHECKPOINT_DISABLE=1 \
  PRISMA_HIDE_UPDATE_MESSAGE=1 \
  node "$CLI" migrate diff \
    --config "$ROOT/scripts/db/legacy/prisma.config.ts" \
    "${FROM_ARGS[@]}" \
    --to-schema-datamodel "$TMP/to.prisma" \
    --script "${EXIT_CODE_FLAG[@]}" \
    > "$TMP/out.sql" 2> "$TMP/err.log"
status=$?
set -e

# Prisma's "Loaded Prisma config from ..." line is noise; real errors are kept.
# Error locations name the temporary copies; point them back at the real files.
grep -v '^Loaded Prisma config from ' "$TMP/err.log" \
  | sed -e "s|$TMP/to.prisma|$TO|g" -e "s|$TMP/from.prisma|${FROM:-<empty>}|g" >&2 || true
if [[ $status -ne 0 && $status -ne 2 ]] || [[ $status -eq 2 && ${#EXIT_CODE_FLAG[@]} -eq 0 ]]; then
  echo "diff.sh: prisma migrate diff failed (exit $status)" >&2
  exit 1
fi
cat "$TMP/out.sql"
exit $status
