// Databases for integration tests: each test file gets its own database, cloned
// from a template that holds the migrated schema.
//
// The template (storefront_test_template) is built by applying prisma/migrations
// and is rebuilt only when the migrations change: a fingerprint of their names
// and checksums is kept as the template database's comment. Building and
// cloning happen under an advisory lock on the admin database, so test files
// running in parallel (or two test runs) neither race to build it nor clone it
// while it is being rebuilt.
//
// TEST_DATABASE_ADMIN_URL: a role allowed to create databases
// (default postgresql://postgres@127.0.0.1:5432/postgres).
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Client } from "pg";
import { DEFAULT_ADMIN_URL, quoteIdent, withDatabase } from "../../scripts/db/lib/database-url";
import { applyMigrations, migrationsFingerprint } from "../../scripts/db/migrate";

/**
 * TEST_TEMPLATE_DATABASE names another template: two checkouts with different
 * migrations (branches worked on side by side) would otherwise rebuild one
 * template back and forth under each other's running tests.
 */
export const TEMPLATE_DATABASE = process.env.TEST_TEMPLATE_DATABASE ?? "storefront_test_template";
/** Test databases are named storefront_test_<pid>_<random>; leftovers of killed runs can be dropped by that prefix. */
export const TEST_DATABASE_PREFIX = "storefront_test_";
// Any constant distinct from Prisma's 72707369; advisory locks are per database,
// and every test process takes this one on the admin database.
const TEMPLATE_LOCK_KEY = 72707370;
const COMMENT_PREFIX = "storefront migrations sha256:";

export interface TestDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

export function adminUrl(): string {
  return process.env.TEST_DATABASE_ADMIN_URL ?? DEFAULT_ADMIN_URL;
}

async function withAdmin<T>(fn: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl(), application_name: "storefront-test-db" });
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.end();
  }
}

function uniqueName(): string {
  return `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(5).toString("hex")}`;
}

function handle(name: string): TestDatabase {
  return {
    url: withDatabase(adminUrl(), name),
    drop: () =>
      withAdmin(async (admin) => {
        // Pools closed just before may still be saying goodbye; terminating them
        // mid-close makes pg raise an uncaught error in the test process. Wait
        // (bounded) for them to leave, and only then force the drop.
        for (let i = 0; i < 50; i++) {
          const { rows } = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      }),
  };
}

/** Builds the template unless it already holds the current migrations. Call with the lock held. */
async function ensureTemplate(admin: Client): Promise<void> {
  const expected = COMMENT_PREFIX + (await migrationsFingerprint());
  const { rows } = await admin.query<{ comment: string | null }>(
    "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
    [TEMPLATE_DATABASE],
  );
  if (rows[0]?.comment === expected) return;

  const template = quoteIdent(TEMPLATE_DATABASE);
  if (rows.length > 0) {
    await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE false ALLOW_CONNECTIONS true`);
    await admin.query(`DROP DATABASE ${template} WITH (FORCE)`);
  }
  await admin.query(`CREATE DATABASE ${template}`);
  await applyMigrations(withDatabase(adminUrl(), TEMPLATE_DATABASE));
  // The comment is written last: a half-built template is never taken for a good one.
  await admin.query(`COMMENT ON DATABASE ${template} IS '${expected}'`);
  // Nobody can connect to it by mistake, which would make cloning fail.
  await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
}

/** A new database with all migrations applied, cloned from the template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  await withAdmin(async (admin) => {
    await admin.query("SELECT pg_advisory_lock($1)", [TEMPLATE_LOCK_KEY]);
    try {
      await ensureTemplate(admin);
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(TEMPLATE_DATABASE)}`);
    } finally {
      await admin.query("SELECT pg_advisory_unlock($1)", [TEMPLATE_LOCK_KEY]);
    }
  });
  return handle(name);
}

/** A new database with nothing in it (for tests of the migrations themselves). */
export async function createEmptyTestDatabase(): Promise<TestDatabase> {
  const name = uniqueName();
  await withAdmin((admin) => admin.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return handle(name);
}
