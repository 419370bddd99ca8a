// Applies prisma/migrations to a PostgreSQL database without any Prisma engine,
// keeping Prisma Migrate's bookkeeping so that `prisma migrate deploy|status`
// (on a machine that has the engines) agrees with what this applied.
//
//   DATABASE_URL=postgresql://... npx tsx scripts/db/migrate.ts
//
// Behaviour copied from prisma-engines (schema-engine/core/src/commands/apply_migrations.rs,
// sql-schema-connector's migration persistence and postgres flavour, schema-connector/src/checksum.rs):
// - the same session advisory lock, pg_advisory_lock(72707369), so this and
//   `prisma migrate deploy` never run at the same time against one database;
// - `_prisma_migrations` created with Prisma's exact DDL; a database that has
//   tables but no `_prisma_migrations` is refused (Prisma's P3005);
// - a row per migration: uuid v4 id, checksum = lower-case hex SHA-256 of
//   migration.sql, started_at, then applied_steps_count + 1 and finished_at;
//   a failed migration leaves its row with logs and finished_at NULL, and any
//   such row (not rolled back) stops all further runs (Prisma's P3009);
// - migration folders sorted like Prisma's CLI (String#localeCompare); rows
//   with rolled_back_at set do not count as applied.
// Stricter than `migrate deploy`: an applied migration whose file changed is
// refused (deploy ignores that; `migrate dev` reports it). Each migration runs
// in one transaction together with its bookkeeping (Prisma sends the script as
// one simple query, which PostgreSQL also runs atomically).
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import type { Client } from "pg";
import { z } from "zod";
import { isPostgresUrl, quoteIdent, splitPrismaSchemaParam } from "./lib/database-url";

/** Prisma Migrate's advisory lock key (postgres flavour, `acquire_lock`). */
export const PRISMA_MIGRATE_ADVISORY_LOCK_KEY = 72707369;

export const DEFAULT_MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "prisma",
  "migrations",
);

/** Prisma's DDL for the history table, verbatim (postgres flavour, `create_migrations_table`). */
export const PRISMA_MIGRATIONS_TABLE_DDL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

export type MigrationErrorCode =
  | "INVALID_MIGRATIONS_DIRECTORY"
  | "PROVIDER_MISMATCH"
  | "DATABASE_NOT_EMPTY"
  | "LOCK_TIMEOUT"
  | "FAILED_MIGRATION_FOUND"
  | "CHECKSUM_MISMATCH"
  | "MIGRATION_FAILED"
  | "ABORTED";

export class MigrationError extends Error {
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MigrationError";
  }
}

export interface MigrationFile {
  /** Folder name, e.g. `20260101120000_init`; stored as `migration_name`. */
  name: string;
  /** Contents of migration.sql. */
  script: string;
  /** Hex SHA-256 of migration.sql, as Prisma stores it. */
  checksum: string;
}

export interface ApplyMigrationsOptions {
  /** Stops waiting for the lock, or ends the connection (rolling back the running migration). */
  signal?: AbortSignal;
  /** Defaults to prisma/migrations of this repository. */
  migrationsDir?: string;
  /** How long to wait for another applier (or `prisma migrate`) to finish. Default 60 s. */
  lockTimeoutMs?: number;
  /** Progress messages; silent by default. */
  log?: (message: string) => void;
}

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
}

/** Lower-case hex SHA-256, exactly Prisma's `render_checksum`. */
export function migrationChecksum(script: string | Uint8Array): string {
  return createHash("sha256").update(script).digest("hex");
}

/**
 * Prisma's `script_matches_checksum`: tolerant of LF/CRLF conversion by git,
 * and of old checksums written without zero-padding (prisma-engines#1887).
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const candidates = [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")];
  return candidates.some((candidate) => {
    const digest = createHash("sha256").update(candidate).digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? Array.from(digest, (byte) => byte.toString(16)).join("")
        : digest.toString("hex");
    return rendered === checksum;
  });
}

/** Migration folders in the order Prisma applies them. */
export async function listMigrations(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError("INVALID_MIGRATIONS_DIRECTORY", `Cannot read migrations directory ${migrationsDir}.`, {
      cause: error,
    });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, "migration.sql");
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new MigrationError("INVALID_MIGRATIONS_DIRECTORY", `Migration folder ${name} has no readable migration.sql (${file}).`, {
        cause: error,
      });
    }
    migrations.push({ name, script: bytes.toString("utf8"), checksum: migrationChecksum(bytes) });
  }
  return migrations;
}

/** A hash over the names and checksums of all migrations (e.g. to know when a test template is stale). */
export async function migrationsFingerprint(migrationsDir: string = DEFAULT_MIGRATIONS_DIR): Promise<string> {
  const hash = createHash("sha256");
  for (const m of await listMigrations(migrationsDir)) hash.update(`${m.name}\0${m.checksum}\n`);
  return hash.digest("hex");
}

async function checkLockfileProvider(migrationsDir: string): Promise<void> {
  let content: string;
  try {
    content = await readFile(path.join(migrationsDir, "migration_lock.toml"), "utf8");
  } catch {
    return; // Prisma accepts a missing lock file too.
  }
  const line = content.split(/\r?\n/).find((l) => l.startsWith("provider"));
  const provider = line ? line.replace(/^provider = /, "").replace(/^"|"$/g, "") : "<PROVIDER NOT FOUND>";
  if (provider !== "postgresql") {
    throw new MigrationError(
      "PROVIDER_MISMATCH",
      `migration_lock.toml says provider "${provider}", but this applier only handles "postgresql".`,
    );
  }
}

/** A row of Prisma's _prisma_migrations table. */
export interface HistoryRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function abortError(signal: AbortSignal): MigrationError {
  return new MigrationError("ABORTED", "Applying migrations was aborted.", { cause: signal.reason });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function acquireLock(client: Client, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      PRISMA_MIGRATE_ADVISORY_LOCK_KEY,
    ]);
    if (rows[0]?.locked) return;
    if (Date.now() >= deadline) {
      throw new MigrationError(
        "LOCK_TIMEOUT",
        `Timed out after ${timeoutMs} ms waiting for the migration advisory lock ${PRISMA_MIGRATE_ADVISORY_LOCK_KEY}: ` +
          "another applier or `prisma migrate` is working on this database (see pg_locks where locktype = 'advisory').",
      );
    }
    await sleep(Math.min(delay, Math.max(deadline - Date.now(), 0)), signal);
  }
}

function describePgError(error: unknown, script: string): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: string; position?: string; detail?: string; hint?: string };
  let text = e.code ? `${e.message} (SQLSTATE ${e.code})` : e.message;
  if (e.detail) text += `\nDETAIL: ${e.detail}`;
  if (e.hint) text += `\nHINT: ${e.hint}`;
  const position = Number(e.position);
  if (Number.isInteger(position) && position > 0) {
    // Position counts characters from 1 in the script sent.
    const before = script.slice(0, position - 1);
    const lineNumber = before.split("\n").length;
    const line = script.split("\n")[lineNumber - 1] ?? "";
    text += `\nat line ${lineNumber}: ${line.trim()}`;
  }
  return text;
}

/**
 * Applies every migration in `migrationsDir` that the database has not applied
 * yet, each in its own transaction, recording it in `_prisma_migrations` the
 * way Prisma does. Safe to run concurrently and repeatedly.
 */
export async function applyMigrations(
  databaseUrl: string,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const { signal, migrationsDir = DEFAULT_MIGRATIONS_DIR, lockTimeoutMs = 60_000, log = () => {} } = options;
  if (signal?.aborted) throw abortError(signal);

  await checkLockfileProvider(migrationsDir);
  const migrations = await listMigrations(migrationsDir);

  const { url, schema } = splitPrismaSchemaParam(databaseUrl);
  const client = new pg.Client({ connectionString: url, application_name: "storefront-migrate" });
  // An abort ends the connection: PostgreSQL then rolls back whatever runs.
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    client.end().catch(() => {});
  };
  // A connection that dies under us must not crash the process from an 'error' event.
  client.on("error", () => {});
  const rethrow = (error: unknown): never => {
    if (aborted && signal) throw abortError(signal);
    throw error;
  };

  await client.connect();
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (signal?.aborted) throw abortError(signal);
    if (schema) await client.query(`SET search_path TO ${quoteIdent(schema)}`);
    await acquireLock(client, lockTimeoutMs, signal).catch(rethrow);
    try {
      return await applyLocked(client, migrations, signal, log).catch(rethrow);
    } finally {
      if (!aborted) {
        await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]).catch(() => {});
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    if (!aborted) await client.end().catch(() => {});
  }
}

async function applyLocked(
  client: Client,
  migrations: MigrationFile[],
  signal: AbortSignal | undefined,
  log: (message: string) => void,
): Promise<ApplyMigrationsResult> {
  // Prisma's `initialize`: create the table only in an empty schema.
  const { rows: tableRows } = await client.query<{ exists: boolean; other_tables: string[] }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists,
            coalesce((SELECT array_agg(c.relname::text ORDER BY c.relname)
                        FROM pg_class c
                       WHERE c.relnamespace = current_schema()::text::regnamespace
                         AND c.relkind IN ('r', 'p')), '{}') AS other_tables`,
  );
  const state = tableRows[0]!;
  if (!state.exists) {
    if (state.other_tables.length > 0) {
      throw new MigrationError(
        "DATABASE_NOT_EMPTY",
        `The database schema is not empty (tables: ${state.other_tables.slice(0, 10).join(", ")}) but has no ` +
          "_prisma_migrations table. Refusing to migrate it (Prisma's P3005). Baseline it first " +
          "(https://pris.ly/d/migrate-baseline) or use an empty database.",
      );
    }
    await client.query(PRISMA_MIGRATIONS_TABLE_DDL);
    log("Created _prisma_migrations.");
  }

  const { rows: history } = await client.query<HistoryRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM _prisma_migrations ORDER BY started_at`,
  );

  // Prisma's detect_failed_migrations.
  const failed = history.filter((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed.length > 0) {
    const details = failed
      .map((row) => {
        const logs = row.logs?.trim() ? ` with the following logs:\n${row.logs.trim()}` : "";
        return `The \`${row.migration_name}\` migration started at ${row.started_at.toISOString()} failed${logs}`;
      })
      .join("\n");
    throw new MigrationError(
      "FAILED_MIGRATION_FOUND",
      `Found failed migrations in the target database; new migrations will not be applied (Prisma's P3009).\n${details}\n` +
        "After making sure the database is in the state before (or after) that migration, mark it with " +
        "`prisma migrate resolve --rolled-back NAME` (or --applied), or run: " +
        "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = 'NAME' AND finished_at IS NULL;",
    );
  }

  const applied = history.filter((row) => row.rolled_back_at === null);
  const appliedNames = new Set(applied.map((row) => row.migration_name));
  const byName = new Map(migrations.map((m) => [m.name, m]));

  const edited = applied.filter((row) => {
    const file = byName.get(row.migration_name);
    return file !== undefined && !scriptMatchesChecksum(file.script, row.checksum);
  });
  if (edited.length > 0) {
    const list = edited
      .map((row) => `  ${row.migration_name}: database has ${row.checksum}, file has ${byName.get(row.migration_name)!.checksum}`)
      .join("\n");
    throw new MigrationError(
      "CHECKSUM_MISMATCH",
      `Applied migrations were modified after they were applied; refusing to continue:\n${list}\n` +
        "Restore the original migration.sql (git history) and put the change in a new migration.",
    );
  }

  for (const row of applied) {
    if (!byName.has(row.migration_name)) {
      log(`Warning: ${row.migration_name} is applied in the database but missing from the migrations directory.`);
    }
  }

  const alreadyApplied = migrations.filter((m) => appliedNames.has(m.name)).map((m) => m.name);
  const pending = migrations.filter((m) => !appliedNames.has(m.name));
  const done: string[] = [];
  if (pending.length === 0) log(`No pending migrations (${alreadyApplied.length} applied).`);

  for (const migration of pending) {
    if (signal?.aborted) throw abortError(signal);
    const started = Date.now();
    log(`Applying ${migration.name} ...`);
    const id = randomUUID();
    try {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name)
         VALUES ($1, $2, clock_timestamp(), $3)`,
        [id, migration.checksum, migration.name],
      );
      // No parameters: sent as a simple query, so the file may hold many statements.
      await client.query(migration.script);
      await client.query(
        `UPDATE _prisma_migrations
            SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp()
          WHERE id = $1`,
        [id],
      );
      await client.query("COMMIT");
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      await client.query("ROLLBACK").catch(() => {});
      const logs = describePgError(error, migration.script);
      // Record the failure like Prisma (row without finished_at, with logs) so
      // that `prisma migrate status` and later runs see it.
      await client
        .query(
          `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs)
           VALUES ($1, $2, clock_timestamp(), $3, $4)`,
          [id, migration.checksum, migration.name, logs],
        )
        .catch(() => {});
      throw new MigrationError(
        "MIGRATION_FAILED",
        `Migration ${migration.name} failed and was rolled back (none of its statements were applied):\n${logs}\n` +
          "The failure is recorded in _prisma_migrations, so later runs stop here until it is resolved: fix the " +
          "migration, then `prisma migrate resolve --rolled-back " +
          migration.name +
          "` or UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '" +
          migration.name +
          "' AND finished_at IS NULL;",
        { cause: error },
      );
    }
    done.push(migration.name);
    log(`Applied ${migration.name} in ${Date.now() - started} ms.`);
  }

  return { applied: done, alreadyApplied };
}

const Env = z.object({
  DATABASE_URL: z
    .string({ error: "DATABASE_URL is not set" })
    .refine(isPostgresUrl, "DATABASE_URL must be a postgresql:// URL with a database name"),
  MIGRATE_LOCK_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
});

async function main(): Promise<void> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    console.error(`migrate: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    process.exitCode = 2;
    return;
  }
  const controller = new AbortController();
  const stop = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const started = Date.now();
  try {
    const result = await applyMigrations(parsed.data.DATABASE_URL, {
      signal: controller.signal,
      lockTimeoutMs: parsed.data.MIGRATE_LOCK_TIMEOUT_MS,
      log: (message) => console.log(message),
    });
    console.log(
      `migrate: ${result.applied.length} applied, ${result.alreadyApplied.length} already applied (${Date.now() - started} ms).`,
    );
  } catch (error) {
    console.error(error instanceof MigrationError ? `migrate: ${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

const entry = process.argv[1];
if (entry && pathToFileURL(path.resolve(entry)).href === import.meta.url) {
  void main();
}
