// CI gate: fails when prisma/schema.prisma and prisma/migrations disagree.
// Run through scripts/db/check-drift.sh (npm run db:check-drift).
//
// 1. Database A: the migrations, applied with scripts/db/migrate.ts.
// 2. Database B: Prisma 6.19's from-empty SQL for schema.prisma (scripts/db/diff.sh).
// 3. In both, drop what only hand-written SQL can create (CHECK constraints,
//    partial and expression indexes, functions, extensions: schema.prisma
//    cannot express them) and compare
//    `pg_dump --schema-only` of the two (without _prisma_migrations), ignoring
//    column and enum value order as Prisma does.
// 4. prisma/migrations/schema.prisma.snapshot (the base for the next
//    migration, see new-migration.sh) must describe the same schema.
// Scratch databases are created through DB_ADMIN_URL, else TEST_DATABASE_ADMIN_URL,
// else postgresql://postgres@127.0.0.1:5432/postgres, and always dropped.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DEFAULT_ADMIN_URL, quoteIdent, withDatabase } from "./lib/database-url";
import { normalizeSchemaDump } from "./lib/normalize-dump";
import { applyMigrations, listMigrations } from "./migrate";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const SCHEMA = path.join(ROOT, "prisma", "schema.prisma");
const MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const SNAPSHOT = path.join(MIGRATIONS, "schema.prisma.snapshot");
const ADMIN_URL = process.env.DB_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;

function run(
  file: string,
  args: string[],
  okCodes: number[] = [0],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      if (!okCodes.includes(code)) {
        reject(new Error(`${path.basename(file)} ${args.join(" ")} failed (exit ${code}):\n${stderr || error?.message}`));
      } else {
        resolve({ code, stdout, stderr });
      }
    });
  });
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "storefront-check-drift" });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Removes the objects only hand-written migration SQL can create. */
const DROP_HAND_WRITTEN = `
DO $$
DECLARE r record; fns text[]; fn text;
BEGIN
  FOR r IN SELECT c.conrelid::regclass AS tbl, c.conname
             FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE c.contype = 'c' AND n.nspname = 'public' AND c.conrelid <> 0 LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
  END LOOP;
  FOR r IN SELECT i.indexrelid::regclass AS idx
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE i.indpred IS NOT NULL AND n.nspname = 'public' LOOP
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  -- Expression indexes (catalog search: GIN over product_search_document(...)
  -- and product_search_text(...)): Prisma can only index plain columns.
  FOR r IN SELECT i.indexrelid::regclass AS idx
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE i.indexprs IS NOT NULL AND n.nspname = 'public' LOOP
    EXECUTE format('DROP INDEX %s', r.idx);
  END LOOP;
  -- Functions written in migrations (immutable_unaccent, product_search_*), not
  -- those an extension owns. The signatures are collected before anything is
  -- dropped (a FOR loop would render them lazily, after CASCADE removed some),
  -- and CASCADE plus IF EXISTS copes with functions that depend on each other.
  SELECT coalesce(array_agg(p.oid::regprocedure::text), '{}') INTO fns
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public'
     AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e');
  FOREACH fn IN ARRAY fns LOOP
    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', fn);
  END LOOP;
  -- Extensions (pg_trgm, unaccent): schema.prisma declares none, so every one
  -- but the built-in plpgsql came from a migration. Their own functions go with them.
  FOR r IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
    EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname);
  END LOOP;
END $$;`;

async function schemaDump(url: string): Promise<string> {
  const { stdout } = await run("pg_dump", [
    "--schema-only",
    "--no-owner",
    "--no-privileges",
    "--exclude-table=public._prisma_migrations",
    `--dbname=${url}`,
  ]);
  return normalizeSchemaDump(stdout);
}

async function main(): Promise<number> {
  const started = Date.now();
  const migrations = await listMigrations(MIGRATIONS);
  if (migrations.length === 0) {
    console.error("check-drift: no migrations in prisma/migrations: create one with scripts/db/new-migration.sh init");
    return 1;
  }

  const suffix = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const dbA = `storefront_drift_${suffix}_migrations`;
  const dbB = `storefront_drift_${suffix}_schema`;
  const urlA = withDatabase(ADMIN_URL, dbA);
  const urlB = withDatabase(ADMIN_URL, dbB);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "check-drift-"));
  let drift = false;
  try {
    await withClient(ADMIN_URL, async (admin) => {
      await admin.query(`CREATE DATABASE ${quoteIdent(dbA)}`);
      await admin.query(`CREATE DATABASE ${quoteIdent(dbB)}`);
    });

    const [, fromEmpty] = await Promise.all([
      applyMigrations(urlA, { migrationsDir: MIGRATIONS }),
      run("bash", [path.join(ROOT, "scripts", "db", "diff.sh"), "--to", SCHEMA]),
    ]);
    await withClient(urlB, async (client) => {
      await client.query("BEGIN");
      await client.query(fromEmpty.stdout);
      await client.query("COMMIT");
    });
    for (const url of [urlA, urlB]) await withClient(url, (client) => client.query(DROP_HAND_WRITTEN));

    const [dumpA, dumpB] = await Promise.all([schemaDump(urlA), schemaDump(urlB)]);
    if (dumpA !== dumpB) {
      drift = true;
      const fileA = path.join(tmp, "from-migrations.sql");
      const fileB = path.join(tmp, "from-schema.prisma.sql");
      await writeFile(fileA, dumpA);
      await writeFile(fileB, dumpB);
      const { stdout } = await run("diff", ["-u", fileA, fileB], [0, 1]);
      console.error(
        "check-drift: FAILED: prisma/migrations and prisma/schema.prisma describe different databases.\n" +
          "  '-' lines: only in the database the migrations build; '+' lines: only in schema.prisma.\n" +
          "  Schema changed? Run scripts/db/new-migration.sh NAME. Migration edited by hand? Make schema.prisma match.\n" +
          "  (CHECK constraints, partial and expression indexes, functions and extensions are ignored:\n" +
          "  schema.prisma cannot express them.)\n",
      );
      console.error(stdout);
    }

    // The snapshot is the base new-migration.sh diffs from; it must describe the same schema.
    if (!existsSync(SNAPSHOT)) {
      drift = true;
      console.error(`check-drift: FAILED: ${path.relative(ROOT, SNAPSHOT)} is missing (new-migration.sh writes it).`);
    } else if (!drift) {
      const { code, stdout } = await run(
        "bash",
        [path.join(ROOT, "scripts", "db", "diff.sh"), "--from", SNAPSHOT, "--to", SCHEMA, "--exit-code"],
        [0, 2],
      );
      if (code === 2) {
        drift = true;
        console.error(
          `check-drift: FAILED: ${path.relative(ROOT, SNAPSHOT)} differs from prisma/schema.prisma although the ` +
            "migrations match the schema (was a migration written by hand?). If the migrations are right, run: " +
            `cp prisma/schema.prisma ${path.relative(ROOT, SNAPSHOT)}\nDifference (snapshot -> schema):\n${stdout}`,
        );
      }
    }
  } finally {
    await withClient(ADMIN_URL, async (admin) => {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbA)} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbB)} WITH (FORCE)`);
    }).catch((error) => console.error(`check-drift: could not drop ${dbA} / ${dbB}:`, error));
    await rm(tmp, { recursive: true, force: true });
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (drift) return 1;
  console.log(
    `check-drift: OK: ${migrations.length} migration(s) match prisma/schema.prisma and the snapshot (${seconds} s).`,
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error("check-drift: error:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
