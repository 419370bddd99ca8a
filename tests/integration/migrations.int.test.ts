import { createHash, randomUUID } from "node:crypto";
import { cp, mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  listMigrations,
  MigrationError,
  PRISMA_MIGRATE_ADVISORY_LOCK_KEY,
  scriptMatchesChecksum,
  type HistoryRow,
} from "../../scripts/db/migrate";
import { createEmptyTestDatabase, createTestDatabase, type TestDatabase } from "../support/db";

const databases: TestDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

async function emptyDatabase(): Promise<string> {
  const db = await createEmptyTestDatabase();
  databases.push(db);
  return db.url;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function migrationNames(): Promise<string[]> {
  return (await listMigrations()).map((m) => m.name);
}

/** A copy of prisma/migrations plus one extra migration, for failure scenarios. */
async function migrationsWithExtra(name: string, sql: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, "migration.sql"), sql);
  return dir;
}

describe("applyMigrations", () => {
  it("applies every migration once; a second run is a no-op", async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    expect(names.length).toBeGreaterThan(0);

    const first = await applyMigrations(url);
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    const before = await query(url, "SELECT * FROM _prisma_migrations ORDER BY started_at");

    const second = await applyMigrations(url);
    expect(second).toEqual({ applied: [], alreadyApplied: names });
    expect(await query(url, "SELECT * FROM _prisma_migrations ORDER BY started_at")).toEqual(before);
  });

  it("keeps _prisma_migrations exactly as Prisma Migrate does", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);

    const columns = await query(
      url,
      `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: "id", data_type: "character varying", character_maximum_length: 36, is_nullable: "NO", column_default: null },
      { column_name: "checksum", data_type: "character varying", character_maximum_length: 64, is_nullable: "NO", column_default: null },
      { column_name: "finished_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "migration_name", data_type: "character varying", character_maximum_length: 255, is_nullable: "NO", column_default: null },
      { column_name: "logs", data_type: "text", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "rolled_back_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "YES", column_default: null },
      { column_name: "started_at", data_type: "timestamp with time zone", character_maximum_length: null, is_nullable: "NO", column_default: "now()" },
      { column_name: "applied_steps_count", data_type: "integer", character_maximum_length: null, is_nullable: "NO", column_default: "0" },
    ]);
    const [pk] = await query<{ def: string }>(
      url,
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass AND contype = 'p'`,
    );
    expect(pk?.def).toBe("PRIMARY KEY (id)");

    const rows = await query<HistoryRow>(url, "SELECT * FROM _prisma_migrations ORDER BY started_at");
    const names = await migrationNames();
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const bytes = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
  });

  it("matches checksums the way Prisma does (CRLF checkouts, unpadded legacy checksums)", () => {
    const script = 'CREATE TABLE "a" ("id" INT);\nCREATE TABLE "b" ("id" INT);\n';
    const sha = (s: string) => createHash("sha256").update(s).digest();
    expect(scriptMatchesChecksum(script, sha(script).toString("hex"))).toBe(true);
    expect(scriptMatchesChecksum(script.replaceAll("\n", "\r\n"), sha(script).toString("hex"))).toBe(true);
    const unpadded = Array.from(sha(script), (b) => b.toString(16)).join("");
    expect(unpadded.length).toBeLessThan(64); // this script's digest has a byte below 0x10
    expect(scriptMatchesChecksum(script, unpadded)).toBe(true);
    expect(scriptMatchesChecksum(script + "-- edited\n", sha(script).toString("hex"))).toBe(false);
  });

  it("refuses to run when an applied migration's checksum no longer matches its file", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const [first] = await migrationNames();
    await query(url, "UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2", [
      createHash("sha256").update("tampered").digest("hex"),
      first,
    ]);

    const error = await applyMigrations(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe("CHECKSUM_MISMATCH");
    expect((error as MigrationError).message).toContain(first);
  });

  it("rolls a failing migration back, records it like Prisma, and refuses to continue until resolved", async () => {
    const url = await emptyDatabase();
    const name = "29991231235959_broken";
    const dir = await migrationsWithExtra(
      name,
      'CREATE TABLE "half_done" ("id" INT);\nALTER TABLE "no_such_table" ADD COLUMN "x" INT;\n',
    );
    try {
      const error = await applyMigrations(url, { migrationsDir: dir }).catch((e: unknown) => e);
      expect((error as MigrationError).code).toBe("MIGRATION_FAILED");
      expect((error as MigrationError).message).toMatch(/no_such_table/);
      // Its transaction was rolled back: nothing of it is left.
      expect(await query(url, "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
      // Earlier migrations stay applied.
      const [products] = await query<{ t: string | null }>(url, "SELECT to_regclass('products')::text AS t");
      expect(products?.t).toBe("products");

      const [failed] = await query<{ finished_at: Date | null; applied_steps_count: number; logs: string }>(
        url,
        "SELECT finished_at, applied_steps_count, logs FROM _prisma_migrations WHERE migration_name = $1",
        [name],
      );
      expect(failed).toMatchObject({ finished_at: null, applied_steps_count: 0 });
      expect(failed!.logs).toMatch(/no_such_table/);

      // Even without the broken migration on disk, the recorded failure stops every run (Prisma's P3009).
      const again = await applyMigrations(url).catch((e: unknown) => e);
      expect((again as MigrationError).code).toBe("FAILED_MIGRATION_FOUND");
      expect((again as MigrationError).message).toContain(name);

      // `prisma migrate resolve --rolled-back` sets rolled_back_at; then runs continue.
      await query(url, "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1", [name]);
      await expect(applyMigrations(url)).resolves.toEqual({ applied: [], alreadyApplied: await migrationNames() });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a non-empty database that has no _prisma_migrations (Prisma's P3005)", async () => {
    const url = await emptyDatabase();
    await query(url, "CREATE TABLE legacy (id int)");
    const error = await applyMigrations(url).catch((e: unknown) => e);
    expect((error as MigrationError).code).toBe("DATABASE_NOT_EMPTY");
  });

  it("does nothing when the signal is already aborted", async () => {
    const url = await emptyDatabase();
    const error = await applyMigrations(url, { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as MigrationError).code).toBe("ABORTED");
    expect(await query(url, "SELECT to_regclass('_prisma_migrations') AS t")).toEqual([{ t: null }]);
  });

  it("waits for Prisma Migrate's advisory lock, and gives up at the timeout or on abort", async () => {
    const url = await emptyDatabase();
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]);

      const timedOut = await applyMigrations(url, { lockTimeoutMs: 300 }).catch((e: unknown) => e);
      expect((timedOut as MigrationError).code).toBe("LOCK_TIMEOUT");

      const controller = new AbortController();
      const waiting = applyMigrations(url, { signal: controller.signal }).catch((e: unknown) => e);
      setTimeout(() => controller.abort(), 200);
      expect(((await waiting) as MigrationError).code).toBe("ABORTED");
      expect(await query(url, "SELECT to_regclass('_prisma_migrations') AS t")).toEqual([{ t: null }]);

      // Once the lock is free, the waiting applier proceeds.
      const proceeding = applyMigrations(url);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await holder.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_ADVISORY_LOCK_KEY]);
      await expect(proceeding).resolves.toMatchObject({ applied: await migrationNames() });
    } finally {
      await holder.end();
    }
  });

  it("lets two appliers start at once on an empty database: both succeed, each migration is applied once", async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();

    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);

    const appliedByAll = results.flatMap((r) => r.applied);
    expect(appliedByAll).toEqual(names);
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    const rows = await query<{ migration_name: string }>(url, "SELECT migration_name FROM _prisma_migrations");
    expect(rows.map((r) => r.migration_name).sort()).toEqual([...names].sort());
  });
});

describe("hand-written rules in the migrations", () => {
  async function migratedDatabase(): Promise<string> {
    const db = await createTestDatabase();
    databases.push(db);
    return db.url;
  }

  async function expectCheckViolation(url: string, sql: string, params: unknown[], constraint: string) {
    const error = await query(url, sql, params).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "23514", constraint });
  }

  it("has the CHECK constraints and the outbox relay's partial indexes", async () => {
    const url = await migratedDatabase();
    const checks = await query<{ name: string; def: string }>(
      url,
      `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE contype = 'c' AND conrelid <> 0 AND connamespace = 'public'::regnamespace ORDER BY conname`,
    );
    expect(checks).toEqual([
      { name: "cart_items_quantity_positive", def: "CHECK ((quantity > 0))" },
      { name: "carts_one_owner", def: "CHECK (((user_id IS NULL) <> (guest_token_hash IS NULL)))" },
      { name: "order_items_quantity_positive", def: "CHECK ((quantity > 0))" },
      { name: "order_items_unit_price_minor_nonnegative", def: "CHECK ((unit_price_minor >= 0))" },
      {
        name: "orders_total_is_subtotal_plus_shipping",
        def: "CHECK (((subtotal_minor >= 0) AND (shipping_minor >= 0) AND (total_minor = (subtotal_minor + shipping_minor))))",
      },
      { name: "orders_total_minor_nonnegative", def: "CHECK ((total_minor >= 0))" },
      { name: "outgoing_emails_attempts_check", def: "CHECK ((attempts >= 0))" },
      {
        name: "outgoing_emails_status_check",
        def: "CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'sent'::character varying, 'failed'::character varying])::text[])))",
      },
      { name: "payment_attempts_amount_check", def: "CHECK ((amount_minor > 0))" },
      { name: "payment_attempts_applied_check", def: 'CHECK (((applied_at IS NULL) OR (state = \'charged\'::"PaymentState")))' },
      { name: "payment_attempts_retries_check", def: "CHECK ((retries >= 0))" },
      { name: "product_images_sane", def: "CHECK (((\"position\" >= 0) AND (byte_size > 0) AND (width > 0) AND (height > 0)))" },
      { name: "product_variants_low_stock_threshold_nonnegative", def: "CHECK ((low_stock_threshold >= 0))" },
      { name: "product_variants_price_override_nonnegative", def: "CHECK ((price_override_minor >= 0))" },
      { name: "product_variants_stock_nonnegative", def: "CHECK ((stock >= 0))" },
      { name: "products_price_minor_positive", def: "CHECK ((price_minor > 0))" },
      { name: "refunds_amount_check", def: "CHECK ((amount_minor > 0))" },
      {
        name: "refunds_reason_check",
        def: "CHECK (((reason)::text = ANY ((ARRAY['admin'::character varying, 'cancellation'::character varying])::text[])))",
      },
      { name: "refunds_retries_check", def: "CHECK ((retries >= 0))" },
      { name: "stock_movements_delta_nonzero", def: "CHECK ((delta <> 0))" },
      { name: "stock_movements_stock_after_nonnegative", def: "CHECK ((stock_after >= 0))" },
      { name: "users_email_lowercase", def: "CHECK (((email)::text = lower((email)::text)))" },
    ]);
    const indexes = await query<{ def: string }>(
      url,
      "SELECT indexdef AS def FROM pg_indexes WHERE tablename = 'outbox_events' AND indexdef LIKE '%WHERE%' ORDER BY indexname",
    );
    // The relay's claim (seq order) and its per-aggregate ordering check, over unsent rows only.
    expect(indexes.map((i) => i.def)).toEqual([
      "CREATE INDEX outbox_events_unsent_aggregate_idx ON public.outbox_events USING btree (aggregate_id, seq) WHERE (sent_at IS NULL)",
      "CREATE INDEX outbox_events_unsent_seq_idx ON public.outbox_events USING btree (seq) WHERE (sent_at IS NULL)",
    ]);
  });

  it("allows one standing payment per order (pending or charged), any number of declines and voids", async () => {
    const url = await migratedDatabase();
    const user = randomUUID();
    const order = randomUUID();
    await query(url, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ($1, $2, 'S', 'x', now(), now())`, [user, `${user}@example.com`]);
    await query(url, `INSERT INTO orders (id, user_id, checkout_key, currency, subtotal_minor, total_minor, updated_at) VALUES ($1, $2, 'k', 'USD', 100, 100, now())`, [order, user]);
    const attempt = (state: string) =>
      query(url, `INSERT INTO payment_attempts (id, order_id, state, card_last4, amount_minor) VALUES ($1, $2, $3::"PaymentState", '4242', 100)`, [randomUUID(), order, state]);
    for (const state of ["declined", "declined", "voided", "void_pending", "pending"]) await attempt(state);
    expect(await attempt("charged").catch((e: unknown) => e)).toMatchObject({ code: "23505", constraint: "payment_attempts_one_standing_idx" });
    expect(await attempt("pending").catch((e: unknown) => e)).toMatchObject({ code: "23505", constraint: "payment_attempts_one_standing_idx" });
  });

  it("carries payments made before intents over: one charge applied, a second one owed back, a cancelled paid order's refund_due as a refund", async () => {
    // The migrations up to the one that introduced payment intents, then legacy rows, then the rest.
    const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const later = (await listMigrations()).filter((m) => m.name >= "20261202041104_payment_intents_and_refunds");
    for (const m of later) await rm(path.join(dir, m.name), { recursive: true });
    const url = await emptyDatabase();
    await applyMigrations(url, { migrationsDir: dir });
    await rm(dir, { recursive: true });
    const user = randomUUID();
    const [paid, cancelled, declinedOnly] = [randomUUID(), randomUUID(), randomUUID()];
    await query(url, `INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES ($1, $2, 'S', 'x', now(), now())`, [user, `${user}@example.com`]);
    await query(
      url,
      `INSERT INTO orders (id, user_id, checkout_key, status, currency, total_minor, subtotal_minor, paid_at, refund_due, updated_at) VALUES
         ($1, $4, 'a', 'paid', 'USD', 500, 500, now(), false, now()),
         ($2, $4, 'b', 'cancelled', 'USD', 700, 700, now(), true, now()),
         ($3, $4, 'c', 'stock_reserved', 'USD', 900, 900, NULL, false, now())`,
      [paid, cancelled, declinedOnly, user],
    );
    await query(
      url,
      `INSERT INTO payment_attempts (id, order_id, outcome, card_last4, amount_minor, created_at) VALUES
         (gen_random_uuid(), $1, 'declined', '0002', 500, now() - interval '3 minutes'),
         (gen_random_uuid(), $1, 'authorized', '4242', 500, now() - interval '2 minutes'),
         (gen_random_uuid(), $1, 'authorized', '4242', 500, now() - interval '1 minute'),
         (gen_random_uuid(), $2, 'authorized', '4242', 700, now()),
         (gen_random_uuid(), $3, 'declined', '0002', 900, now())`,
      [paid, cancelled, declinedOnly],
    );
    await applyMigrations(url);
    const attempts = await query<{ order_id: string; state: string; applied: boolean }>(
      url,
      `SELECT order_id, state, applied_at IS NOT NULL AS applied FROM payment_attempts ORDER BY order_id, created_at`,
    );
    const by = (id: string) => attempts.filter((a) => a.order_id === id).map((a) => [a.state, a.applied]);
    expect(by(paid)).toEqual([["declined", false], ["charged", true], ["void_pending", false]]);
    expect(by(cancelled)).toEqual([["charged", true]]);
    expect(by(declinedOnly)).toEqual([["declined", false]]);
    expect(await query(url, `SELECT order_id, amount_minor, state, reason FROM refunds`)).toEqual([
      { order_id: cancelled, amount_minor: 700, state: "pending", reason: "cancellation" },
    ]);
    expect(await query(url, `SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'refund_due'`)).toEqual([]);
  });

  it("rejects negative stock, thresholds and price overrides, non-positive prices and quantities, negative totals", async () => {
    const url = await migratedDatabase();
    const userId = randomUUID();
    const productId = randomUUID();
    const cartId = randomUUID();
    const orderId = randomUUID();
    await query(
      url,
      `INSERT INTO users (id, email, name, password_hash, updated_at) VALUES ($1, 'a@example.com', 'A', 'x', now())`,
      [userId],
    );
    // Stock lives on the variant: the product's default variant shares its id.
    await query(
      url,
      `WITH p AS (INSERT INTO products (id, sku, slug, name, price_minor, updated_at) VALUES ($1, 'SKU-1', 'p-1', 'P', 500, now()) RETURNING id),
            v AS (INSERT INTO product_variants (id, product_id, sku, stock) SELECT id, id, 'SKU-1', 3 FROM p RETURNING id, product_id)
       INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) SELECT product_id, id, 3, 3, 'opening' FROM v`,
      [productId],
    );
    await query(url, `INSERT INTO carts (id, user_id, updated_at) VALUES ($1, $2, now())`, [cartId, userId]);
    await query(
      url,
      `INSERT INTO orders (id, user_id, checkout_key, currency, total_minor, updated_at) VALUES ($1, $2, 'k1', 'USD', 0, now())`,
      [orderId, userId],
    );

    await expectCheckViolation(url, "UPDATE product_variants SET stock = -1 WHERE id = $1", [productId], "product_variants_stock_nonnegative");
    await expectCheckViolation(
      url,
      "UPDATE product_variants SET low_stock_threshold = -1 WHERE id = $1",
      [productId],
      "product_variants_low_stock_threshold_nonnegative",
    );
    await expectCheckViolation(
      url,
      "UPDATE product_variants SET price_override_minor = -1 WHERE id = $1",
      [productId],
      "product_variants_price_override_nonnegative",
    );
    await expectCheckViolation(url, "UPDATE users SET email = 'A@Example.com' WHERE id = $1", [userId], "users_email_lowercase");
    await expectCheckViolation(
      url,
      `INSERT INTO products (id, sku, slug, name, price_minor, updated_at) VALUES ($1, 'SKU-2', 'p-2', 'Free', 0, now())`,
      [randomUUID()],
      "products_price_minor_positive",
    );
    await expectCheckViolation(
      url,
      `INSERT INTO cart_items (id, cart_id, product_id, variant_id, quantity, updated_at) VALUES ($1, $2, $3, $3, 0, now())`,
      [randomUUID(), cartId, productId],
      "cart_items_quantity_positive",
    );
    await expectCheckViolation(
      url,
      `INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity) VALUES ($1, $2, $3, $3, 'SKU-1', 'P', 500, 0)`,
      [randomUUID(), orderId, productId],
      "order_items_quantity_positive",
    );
    await expectCheckViolation(
      url,
      `INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity) VALUES ($1, $2, $3, $3, 'SKU-1', 'P', -1, 1)`,
      [randomUUID(), orderId, productId],
      "order_items_unit_price_minor_nonnegative",
    );
    await expectCheckViolation(
      url,
      "UPDATE orders SET total_minor = -1, subtotal_minor = -1 WHERE id = $1",
      [orderId],
      "orders_total_is_subtotal_plus_shipping",
    );
    await expectCheckViolation(url, "UPDATE orders SET total_minor = total_minor + 1 WHERE id = $1", [orderId], "orders_total_is_subtotal_plus_shipping");
    await expectCheckViolation(url, "UPDATE carts SET user_id = NULL WHERE user_id = $1", [userId], "carts_one_owner");

    // The boundaries themselves are allowed.
    await query(
      url,
      `WITH v AS (UPDATE product_variants SET stock = 0, low_stock_threshold = 0, price_override_minor = 0 WHERE id = $1 RETURNING id, product_id)
       INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) SELECT product_id, id, -3, 0, 'correction' FROM v`,
      [productId],
    );
    await query(
      url,
      `INSERT INTO cart_items (id, cart_id, product_id, variant_id, quantity, updated_at) VALUES ($1, $2, $3, $3, 1, now())`,
      [randomUUID(), cartId, productId],
    );
  });

  it("gives every test file its own database", async () => {
    const a = await migratedDatabase();
    const b = await migratedDatabase();
    expect(a).not.toBe(b);
    await query(a, "CREATE TABLE only_in_a (id int)");
    expect(await query(b, "SELECT to_regclass('only_in_a') AS t")).toEqual([{ t: null }]);
  });
});
