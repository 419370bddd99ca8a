// The variants migration (ADR 016, stage 2) on a shop that has been trading:
// the seed catalog loaded in the schema before variants, with the history the
// app of that time wrote (opening balances, reservations, releases, restocks,
// a damage and a correction, carts, orders, an archived product). Everything
// must come through with each product's stock and ledger now on its default
// variant, and the rules the migration adds must hold on the migrated rows.
//
// Only SQL here: the application code is being moved to the new schema in
// parallel, so nothing of lib/ is used.
import { randomUUID } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEED_CATEGORIES, seedProducts } from "@/prisma/seed-data";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, listMigrations } from "../../scripts/db/migrate";
import { createEmptyTestDatabase, type TestDatabase } from "../support/db";

const VARIANTS_MIGRATION = "20261204190000_product_variants";

type Row = Record<string, unknown>;

interface Snapshot {
  products: Row[];
  ledger: Row[];
  cartItems: Row[];
  orderItems: Row[];
}

let db: TestDatabase;
let pool: pg.Pool;
let migrationsAfterLoad: string[];
let before: Snapshot;
/** Product id by SKU (the seed's SKUs, SKU-0001 to SKU-0060). */
const ids = new Map<string, string>();
/** Each product's stock as the history below leaves it, computed independently of the database. */
const expectedStock = new Map<string, number>();
let archivedId: string;
let userCartId: string;

function idOf(sku: string): string {
  const id = ids.get(sku);
  if (!id) throw new Error(`no product ${sku}`);
  return id;
}

/** Runs `work` in one transaction on a connection of its own and commits. */
async function transaction<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    const result = await work(c).catch(async (e: unknown) => {
      await c.query("ROLLBACK");
      throw e;
    });
    await c.query("COMMIT");
    return result;
  } finally {
    c.release();
  }
}

/**
 * Runs `work` in a transaction, every statement of which must succeed, and
 * returns what COMMIT raised (undefined when it committed): the verdict of the
 * deferred constraint triggers, which only run at commit.
 */
async function commitError(work: (c: pg.PoolClient) => Promise<void>): Promise<unknown> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await work(c).catch(async (e: unknown) => {
      await c.query("ROLLBACK");
      throw e;
    });
    return await c.query("COMMIT").then(
      () => undefined,
      (e: unknown) => e,
    );
  } finally {
    c.release();
  }
}

// ---------------------------------------------------------------------------
// The shop before variants, written as the app of that time wrote it
// ---------------------------------------------------------------------------

/**
 * The old app's one way to change stock (applyStockMovement): the UPDATE locks
 * the product and the ledger row goes in with it, so the deferred
 * "stock equals ledger" trigger on products is satisfied at commit.
 */
async function oldMovement(
  c: pg.PoolClient,
  sku: string,
  delta: number,
  reason: "opening" | "restock" | "correction" | "damage" | "reservation" | "release",
  extra: { orderId?: string; actorId?: string; note?: string } = {},
): Promise<void> {
  const productId = idOf(sku);
  const { rows } = await c.query<{ stock_after: number }>(
    `WITH changed AS (
       UPDATE products SET stock = stock + $2, updated_at = now()
        WHERE id = $1 AND stock + $2 >= 0
       RETURNING id, stock)
     INSERT INTO stock_movements (product_id, delta, stock_after, reason, order_id, actor_id, note)
     SELECT id, $2, stock, $3::"StockMovementReason", $4::uuid, $5::uuid, $6 FROM changed
     RETURNING stock_after`,
    [productId, delta, reason, extra.orderId ?? null, extra.actorId ?? null, extra.note ?? null],
  );
  const expected = expectedStock.get(productId)! + delta;
  // The history is written to be valid: a refused movement is a mistake in this test.
  expect(rows).toEqual([{ stock_after: expected }]);
  expectedStock.set(productId, expected);
}

async function loadOldCatalog(): Promise<void> {
  await transaction(async (c) => {
    const categoryIds = new Map<string, string>();
    for (const cat of SEED_CATEGORIES) {
      const id = randomUUID();
      categoryIds.set(cat.slug, id);
      await c.query(`INSERT INTO categories (id, slug, name, description, position, updated_at) VALUES ($1, $2, $3, $4, $5, now())`, [
        id,
        cat.slug,
        cat.name,
        cat.description,
        cat.position,
      ]);
    }
    for (const p of seedProducts()) {
      const id = randomUUID();
      ids.set(p.sku, id);
      expectedStock.set(id, p.stock);
      // As prisma/seed.ts did: the product with its stock, and its opening row in the same transaction.
      await c.query(
        `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, stock, image_url, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'USD', $7, $8, $9, $9)`,
        [id, p.sku, p.slug, p.name, p.description, p.priceMinor, p.stock, p.imageUrl, p.createdAt],
      );
      if (p.stock > 0) {
        await c.query(`INSERT INTO stock_movements (product_id, delta, stock_after, reason, note) VALUES ($1, $2, $2, 'opening', 'Seed')`, [
          id,
          p.stock,
        ]);
      }
      for (const slug of p.categorySlugs) {
        await c.query(`INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)`, [id, categoryIds.get(slug)]);
      }
    }
  });
}

async function insertUser(c: pg.PoolClient, role: "customer" | "admin"): Promise<string> {
  const id = randomUUID();
  await c.query(`INSERT INTO users (id, email, name, password_hash, role, updated_at) VALUES ($1, $2, 'Someone', 'x', $3, now())`, [
    id,
    `${role}-${id.slice(0, 8)}@example.com`,
    role,
  ]);
  return id;
}

/** An order with its lines, at the prices of the catalog; no stock moves here. */
async function insertOrder(
  c: pg.PoolClient,
  userId: string,
  status: "pending" | "stock_reserved" | "paid" | "cancelled",
  lines: [sku: string, quantity: number][],
): Promise<string> {
  const orderId = randomUUID();
  const { rows } = await c.query<{ sku: string; name: string; price_minor: number }>(
    `SELECT sku, name, price_minor FROM products WHERE sku = ANY($1)`,
    [lines.map(([sku]) => sku)],
  );
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const subtotal = lines.reduce((sum, [sku, quantity]) => sum + bySku.get(sku)!.price_minor * quantity, 0);
  const shipping = 495;
  await c.query(
    `INSERT INTO orders (id, user_id, status, checkout_key, currency, subtotal_minor, shipping_minor, total_minor,
                         paid_at, reserved_until, cancellation_reason, updated_at)
     VALUES ($1, $2, $3::"OrderStatus", $4, 'USD', $5, $6, $7,
             CASE WHEN $3::"OrderStatus" = 'paid' THEN now() END,
             CASE WHEN $3::"OrderStatus" = 'stock_reserved' THEN now() + interval '10 minutes' END,
             CASE WHEN $3::"OrderStatus" = 'cancelled' THEN 'payment_failed' END, now())`,
    [orderId, userId, status, orderId.slice(0, 8), subtotal, shipping, subtotal + shipping],
  );
  for (const [sku, quantity] of lines) {
    const p = bySku.get(sku)!;
    await c.query(
      `INSERT INTO order_items (id, order_id, product_id, sku, name, unit_price_minor, quantity) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), orderId, idOf(sku), sku, p.name, p.price_minor, quantity],
    );
  }
  return orderId;
}

/** Reserves an order's lines as the old reserve did: one reservation row per line, in ascending product id order. */
async function reserve(c: pg.PoolClient, orderId: string, lines: [sku: string, quantity: number][]): Promise<void> {
  for (const [sku, quantity] of [...lines].sort(([a], [b]) => (idOf(a) < idOf(b) ? -1 : 1))) {
    await oldMovement(c, sku, -quantity, "reservation", { orderId });
  }
}

async function makeOldHistory(): Promise<void> {
  const { admin, customer } = await transaction(async (c) => ({ admin: await insertUser(c, "admin"), customer: await insertUser(c, "customer") }));

  // Back office: a sold-out product restocked (its first ledger row), a breakage, a count correction,
  // and thresholds set away from the default (5) on a few products.
  await transaction(async (c) => {
    await oldMovement(c, "SKU-0011", 6, "restock", { actorId: admin, note: "Delivery 42" });
    await oldMovement(c, "SKU-0002", -1, "damage", { actorId: admin, note: "Chipped in the warehouse" });
    await oldMovement(c, "SKU-0003", 2, "correction", { actorId: admin, note: "Stock count" });
    await c.query(`UPDATE products SET low_stock_threshold = t.threshold, version = version + 1, updated_at = now()
                     FROM (VALUES ($1::uuid, 0), ($2::uuid, 2), ($3::uuid, 20)) AS t(id, threshold) WHERE products.id = t.id`, [
      idOf("SKU-0001"),
      idOf("SKU-0005"),
      idOf("SKU-0009"),
    ]);
  });

  // A paid order, a cancelled one whose stock was released, one still reserved (selling SKU-0007 out),
  // and one not yet reserved.
  const paidLines: [string, number][] = [["SKU-0001", 2], ["SKU-0005", 1], ["SKU-0009", 3]];
  const cancelledLines: [string, number][] = [["SKU-0001", 1], ["SKU-0012", 2]];
  const reservedLines: [string, number][] = [["SKU-0005", 2], ["SKU-0007", 3]];
  await transaction(async (c) => reserve(c, await insertOrder(c, customer, "paid", paidLines), paidLines));
  await transaction(async (c) => {
    const orderId = await insertOrder(c, customer, "cancelled", cancelledLines);
    await reserve(c, orderId, cancelledLines);
    for (const [sku, quantity] of cancelledLines) await oldMovement(c, sku, quantity, "release", { orderId });
  });
  await transaction(async (c) => reserve(c, await insertOrder(c, customer, "stock_reserved", reservedLines), reservedLines));
  await transaction(async (c) => insertOrder(c, customer, "pending", [["SKU-0020", 1]]));

  // The customer's cart, and a guest's.
  userCartId = randomUUID();
  const guestCartId = randomUUID();
  await transaction(async (c) => {
    await c.query(`INSERT INTO carts (id, user_id, updated_at) VALUES ($1, $2, now())`, [userCartId, customer]);
    await c.query(`INSERT INTO carts (id, guest_token_hash, updated_at) VALUES ($1, $2, now())`, [guestCartId, "a".repeat(64)]);
    const lines: [string, string, number][] = [
      [userCartId, "SKU-0002", 1],
      [userCartId, "SKU-0009", 2],
      [userCartId, "SKU-0030", 1],
      [guestCartId, "SKU-0001", 1],
    ];
    for (const [cartId, sku, quantity] of lines) {
      await c.query(`INSERT INTO cart_items (id, cart_id, product_id, quantity, updated_at) VALUES ($1, $2, $3, $4, now())`, [
        randomUUID(),
        cartId,
        idOf(sku),
        quantity,
      ]);
    }
  });

  // Archived after it was ordered and released: its rows must come through like any other's.
  archivedId = idOf("SKU-0012");
  await pool.query(`UPDATE products SET archived_at = now(), version = version + 1, updated_at = now() WHERE id = $1`, [archivedId]);
}

async function snapshot(): Promise<Snapshot> {
  const all = async (sql: string) => (await pool.query<Row>(sql)).rows;
  return {
    products: await all(`SELECT * FROM products ORDER BY id`),
    ledger: await all(`SELECT * FROM stock_movements ORDER BY id`),
    cartItems: await all(`SELECT * FROM cart_items ORDER BY id`),
    orderItems: await all(`SELECT * FROM order_items ORDER BY id`),
  };
}

beforeAll(async () => {
  // The migrations up to the one before variants, then the shop's data, then the rest.
  const dir = await mkdtemp(path.join(os.tmpdir(), "migrations-"));
  try {
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const later = (await listMigrations()).filter((m) => m.name >= VARIANTS_MIGRATION);
    migrationsAfterLoad = later.map((m) => m.name);
    for (const m of later) await rm(path.join(dir, m.name), { recursive: true });
    db = await createEmptyTestDatabase();
    await applyMigrations(db.url, { migrationsDir: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  pool = new pg.Pool({ connectionString: db.url, max: 4 });

  await loadOldCatalog();
  await makeOldHistory();
  before = await snapshot();

  expect(await applyMigrations(db.url)).toMatchObject({ applied: migrationsAfterLoad });
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

// ---------------------------------------------------------------------------
// What the migration keeps
// ---------------------------------------------------------------------------

describe("the variants migration on a trading shop", () => {
  it("loaded a shop that has been trading (so the checks below are not vacuous)", () => {
    expect(migrationsAfterLoad[0]).toBe(VARIANTS_MIGRATION);
    expect(before.products).toHaveLength(60);
    const reasons = new Set(before.ledger.map((m) => m.reason));
    expect([...reasons].sort()).toEqual(["correction", "damage", "opening", "release", "reservation", "restock"]);
    expect(before.ledger.filter((m) => m.order_id !== null).length).toBeGreaterThanOrEqual(9);
    expect(before.cartItems).toHaveLength(4);
    expect(before.orderItems).toHaveLength(8);
    // Stock moved away from the seed's values on several products, one sold out by a reservation.
    const seed = new Map(seedProducts().map((p) => [idOf(p.sku), p.stock]));
    expect([...expectedStock].filter(([id, stock]) => seed.get(id) !== stock).length).toBeGreaterThanOrEqual(7);
    expect(expectedStock.get(idOf("SKU-0007"))).toBe(0);
  });

  it("keeps every product, without its stock and threshold columns, which are gone from products", async () => {
    const { rows } = await pool.query<Row>(`SELECT * FROM products ORDER BY id`);
    expect(rows).toEqual(before.products.map(({ stock: _stock, low_stock_threshold: _threshold, ...rest }) => rest));
    const { rows: columns } = await pool.query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'products' AND column_name IN ('stock', 'low_stock_threshold')`,
    );
    expect(columns).toEqual([]);
  });

  it("gives every product exactly one live variant with the product's id, SKU, stock and threshold", async () => {
    const { rows } = await pool.query<Row>(
      `SELECT id, product_id, sku, stock, low_stock_threshold, price_override_minor, position, archived_at
         FROM product_variants ORDER BY id`,
    );
    expect(rows).toEqual(
      before.products.map((p) => ({
        id: p.id,
        product_id: p.id,
        sku: p.sku,
        stock: p.stock,
        low_stock_threshold: p.low_stock_threshold,
        price_override_minor: null,
        position: 0,
        archived_at: null,
      })),
    );
    // The stock is what the history left, not just whatever products held.
    for (const row of rows) expect(row.stock).toBe(expectedStock.get(row.id as string));
    // Archiving stays a matter of the product: its one variant is live.
    expect(rows.find((v) => v.id === archivedId)).toMatchObject({ archived_at: null });
    expect(before.products.find((p) => p.id === archivedId)?.archived_at).toBeInstanceOf(Date);
    // The non-default thresholds came through.
    const thresholds = rows.map((v) => v.low_stock_threshold as number).filter((t) => t !== 5);
    expect(thresholds.sort((x, y) => x - y)).toEqual([0, 2, 20]);
  });

  it("keeps every ledger row as it was, now naming the product's default variant", async () => {
    const { rows } = await pool.query<Row>(`SELECT * FROM stock_movements ORDER BY id`);
    expect(rows).toEqual(before.ledger.map((m) => ({ ...m, variant_id: m.product_id })));
  });

  it("leaves every variant's stock equal to the sum of its ledger and to its last stock_after", async () => {
    const { rows } = await pool.query<{ id: string; stock: number; total: number; last: number | null; movements: number }>(
      `SELECT v.id, v.stock, coalesce(sum(m.delta), 0)::int AS total, count(m.id)::int AS movements,
              (SELECT l.stock_after FROM stock_movements l WHERE l.variant_id = v.id ORDER BY l.id DESC LIMIT 1) AS last
         FROM product_variants v LEFT JOIN stock_movements m ON m.variant_id = v.id
        GROUP BY v.id ORDER BY v.id`,
    );
    expect(rows).toHaveLength(60);
    for (const v of rows) {
      expect(v.total, v.id).toBe(v.stock);
      expect(v.last ?? 0, v.id).toBe(v.stock);
    }
    // Sold-out products of the seed have no ledger at all, and still agree.
    expect(rows.filter((v) => v.movements === 0).length).toBeGreaterThan(0);
  });

  it("keeps cart and order lines, each naming its product's default variant, order lines with an empty variant title", async () => {
    const { rows: cartItems } = await pool.query<Row>(`SELECT * FROM cart_items ORDER BY id`);
    expect(cartItems).toEqual(before.cartItems.map((l) => ({ ...l, variant_id: l.product_id })));
    const { rows: orderItems } = await pool.query<Row>(`SELECT * FROM order_items ORDER BY id`);
    expect(orderItems).toEqual(before.orderItems.map((l) => ({ ...l, variant_id: l.product_id, variant_title: "" })));
  });
});

// ---------------------------------------------------------------------------
// The rules it adds, on the migrated rows. Each test works on products of its own.
// ---------------------------------------------------------------------------

async function addOption(c: pg.PoolClient, sku: string, name: string, values: string[]): Promise<Record<string, string>> {
  const optionId = randomUUID();
  await c.query(`INSERT INTO product_options (id, product_id, name) VALUES ($1, $2, $3)`, [optionId, idOf(sku), name]);
  const valueIds: Record<string, string> = {};
  for (const [position, value] of values.entries()) {
    valueIds[value] = randomUUID();
    await c.query(`INSERT INTO product_option_values (id, option_id, value, position) VALUES ($1, $2, $3, $4)`, [
      valueIds[value],
      optionId,
      value,
      position,
    ]);
  }
  return valueIds;
}

async function giveValues(c: pg.PoolClient, variantId: string, valueIds: string[]): Promise<void> {
  for (const valueId of valueIds) {
    await c.query(`INSERT INTO variant_option_values (variant_id, option_value_id) VALUES ($1, $2)`, [variantId, valueId]);
  }
}

/** A new variant (stock 0, so no ledger row is owed) holding the given option values. */
async function addVariant(c: pg.PoolClient, productSku: string, variantSku: string, valueIds: string[]): Promise<string> {
  const id = randomUUID();
  await c.query(`INSERT INTO product_variants (id, product_id, sku) VALUES ($1, $2, $3)`, [id, idOf(productSku), variantSku]);
  await giveValues(c, id, valueIds);
  return id;
}

/** Changes a variant's stock with its ledger row in one statement: the way writers must do it now. */
async function moveVariant(c: pg.PoolClient, variantId: string, delta: number, reason: string): Promise<number[]> {
  const { rows } = await c.query<{ stock_after: number }>(
    `WITH changed AS (UPDATE product_variants SET stock = stock + $2 WHERE id = $1 RETURNING id, product_id, stock)
     INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason)
     SELECT product_id, id, $2, stock, $3::"StockMovementReason" FROM changed
     RETURNING stock_after`,
    [variantId, delta, reason],
  );
  return rows.map((r) => r.stock_after);
}

async function liveVariants(sku: string): Promise<string[]> {
  const { rows } = await pool.query<{ sku: string }>(
    `SELECT sku FROM product_variants WHERE product_id = $1 AND archived_at IS NULL ORDER BY sku`,
    [idOf(sku)],
  );
  return rows.map((r) => r.sku);
}

const TWINS = /two live variants of product .+ hold the same option values/;
const INCOMPLETE = /variant .+ does not hold exactly one value of each option of product/;

describe("the rules the variants migration adds", () => {
  it("refuses a second live variant of a migrated product without options at commit", async () => {
    const error = await commitError(async (c) => {
      await addVariant(c, "SKU-0004", "SKU-0004-B", []);
    });
    expect(error).toMatchObject({ code: "23505", message: expect.stringMatching(TWINS) });
    expect(await liveVariants("SKU-0004")).toEqual(["SKU-0004"]);
  });

  it("refuses an option the product's variant holds no value of, and takes it when the variant gets its value in the same transaction", async () => {
    const product = idOf("SKU-0006");
    const refused = await commitError(async (c) => {
      await addOption(c, "SKU-0006", "Size", ["S", "M"]);
    });
    expect(refused).toMatchObject({ code: "23514", message: expect.stringMatching(INCOMPLETE) });
    expect((await pool.query(`SELECT 1 FROM product_options WHERE product_id = $1`, [product])).rows).toEqual([]);

    const accepted = await commitError(async (c) => {
      const size = await addOption(c, "SKU-0006", "Size", ["S", "M"]);
      await giveValues(c, product, [size.S!]);
    });
    expect(accepted).toBeUndefined();
    const { rows } = await pool.query(
      `SELECT ov.value FROM variant_option_values vov JOIN product_option_values ov ON ov.id = vov.option_value_id WHERE vov.variant_id = $1`,
      [product],
    );
    expect(rows).toEqual([{ value: "S" }]);
  });

  it("refuses two live variants with the same combination, takes different ones, and takes the combination again once its holder is archived", async () => {
    const product = idOf("SKU-0008");
    let size: Record<string, string> = {};
    let colour: Record<string, string> = {};
    expect(
      await commitError(async (c) => {
        size = await addOption(c, "SKU-0008", "Size", ["S", "M", "L"]);
        colour = await addOption(c, "SKU-0008", "Colour", ["Oak", "Walnut"]);
        await giveValues(c, product, [size.S!, colour.Oak!]);
      }),
    ).toBeUndefined();

    let medium = "";
    expect(
      await commitError(async (c) => {
        medium = await addVariant(c, "SKU-0008", "SKU-0008-M-OAK", [size.M!, colour.Oak!]);
      }),
    ).toBeUndefined();
    // Sharing one value is not sharing the combination.
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0008", "SKU-0008-S-WALNUT", [size.S!, colour.Walnut!]);
      }),
    ).toBeUndefined();

    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0008", "SKU-0008-M-OAK-2", [colour.Oak!, size.M!]);
      }),
    ).toMatchObject({ code: "23505", message: expect.stringMatching(TWINS) });
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0008", "SKU-0008-S-OAK", [size.S!, colour.Oak!]);
      }),
    ).toMatchObject({ code: "23505", message: expect.stringMatching(TWINS) });
    // Two values of one option, none of the other, is not a combination.
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0008", "SKU-0008-S-L", [size.S!, size.L!]);
      }),
    ).toMatchObject({ code: "23514", message: expect.stringMatching(INCOMPLETE) });
    expect(await liveVariants("SKU-0008")).toEqual(["SKU-0008", "SKU-0008-M-OAK", "SKU-0008-S-WALNUT"]);

    expect(
      await commitError(async (c) => {
        await c.query(`UPDATE product_variants SET archived_at = now() WHERE id = $1`, [medium]);
      }),
    ).toBeUndefined();
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0008", "SKU-0008-M-OAK-2", [size.M!, colour.Oak!]);
      }),
    ).toBeUndefined();
    expect(await liveVariants("SKU-0008")).toEqual(["SKU-0008", "SKU-0008-M-OAK-2", "SKU-0008-S-WALNUT"]);
    // Bringing the archived twin back would make two again.
    expect(
      await commitError(async (c) => {
        await c.query(`UPDATE product_variants SET archived_at = NULL WHERE id = $1`, [medium]);
      }),
    ).toMatchObject({ code: "23505", message: expect.stringMatching(TWINS) });
  });

  it("refuses a variant holding a value of another product's option", async () => {
    const [a, b] = [idOf("SKU-0010"), idOf("SKU-0013")];
    let sizeA: Record<string, string> = {};
    let sizeB: Record<string, string> = {};
    expect(
      await commitError(async (c) => {
        sizeA = await addOption(c, "SKU-0010", "Size", ["S", "M"]);
        sizeB = await addOption(c, "SKU-0013", "Size", ["S", "M"]);
        await giveValues(c, a, [sizeA.S!]);
        await giveValues(c, b, [sizeB.S!]);
      }),
    ).toBeUndefined();

    // As many values as A has options, but of B's option.
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0010", "SKU-0010-M", [sizeB.M!]);
      }),
    ).toMatchObject({ code: "23514", message: expect.stringMatching(INCOMPLETE) });
    expect(
      await commitError(async (c) => {
        await c.query(`DELETE FROM variant_option_values WHERE variant_id = $1`, [a]);
        await giveValues(c, a, [sizeB.S!]);
      }),
    ).toMatchObject({ code: "23514", message: expect.stringMatching(INCOMPLETE) });
    // The same variant with A's own value is fine.
    expect(
      await commitError(async (c) => {
        await addVariant(c, "SKU-0010", "SKU-0010-M", [sizeA.M!]);
      }),
    ).toBeUndefined();
    expect(await liveVariants("SKU-0010")).toEqual(["SKU-0010", "SKU-0010-M"]);
  });

  it("refuses a change of a variant's stock without its ledger row at commit, and stock below zero at once", async () => {
    const variant = idOf("SKU-0014");
    const stock = expectedStock.get(variant)!;
    expect(stock).toBeGreaterThan(0);

    const error = await commitError(async (c) => {
      await c.query(`UPDATE product_variants SET stock = stock - 1 WHERE id = $1`, [variant]);
    });
    expect(error).toMatchObject({
      code: "23514",
      message: `stock of variant ${variant} is ${stock - 1} but its ledger says ${stock}`,
    });
    expect(
      await pool.query(`UPDATE product_variants SET stock = -1 WHERE id = $1`, [variant]).catch((e: unknown) => e),
    ).toMatchObject({ code: "23514", constraint: "product_variants_stock_nonnegative" });
    // With its ledger row the same change commits.
    expect(
      await commitError(async (c) => {
        expect(await moveVariant(c, variant, -1, "damage")).toEqual([stock - 1]);
      }),
    ).toBeUndefined();
    expect((await pool.query(`SELECT stock FROM product_variants WHERE id = $1`, [variant])).rows).toEqual([{ stock: stock - 1 }]);
  });

  it("keeps one ledger chain per variant: two variants of a product each continue their own, a row continuing the sibling's is refused", async () => {
    const product = idOf("SKU-0015");
    const opening = expectedStock.get(product)!;
    expect(opening).toBeGreaterThan(0);
    let medium = "";
    expect(
      await commitError(async (c) => {
        const size = await addOption(c, "SKU-0015", "Size", ["S", "M"]);
        await giveValues(c, product, [size.S!]);
        medium = await addVariant(c, "SKU-0015", "SKU-0015-M", [size.M!]);
      }),
    ).toBeUndefined();

    // The new variant's first row starts from 0, not from the product's (the default variant's) last stock_after.
    const moves: [variant: string, delta: number, reason: string, stockAfter: number][] = [
      [medium, 4, "restock", 4],
      [product, -1, "reservation", opening - 1],
      [medium, -1, "reservation", 3],
    ];
    for (const [variant, delta, reason, stockAfter] of moves) {
      const error = await commitError(async (c) => {
        expect(await moveVariant(c, variant, delta, reason)).toEqual([stockAfter]);
      });
      expect(error).toBeUndefined();
    }

    // A row for M that continues the default variant's chain.
    const outOfStep = await pool
      .query(
        `INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($1, $2, 1, $3, 'restock')`,
        [product, medium, opening],
      )
      .catch((e: unknown) => e);
    expect(outOfStep).toMatchObject({ code: "23514", message: `stock ledger out of step for variant ${medium}: 3 + 1 <> ${opening}` });
    // A row naming M under another product.
    const elsewhere = await pool
      .query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($1, $2, 1, 4, 'restock')`, [
        idOf("SKU-0016"),
        medium,
      ])
      .catch((e: unknown) => e);
    expect(elsewhere).toMatchObject({ code: "23503", constraint: "stock_movements_variant_id_product_id_fkey" });

    const { rows } = await pool.query(
      `SELECT variant_id, delta, stock_after FROM stock_movements WHERE product_id = $1 AND id > $2 ORDER BY id`,
      [product, before.ledger.at(-1)!.id],
    );
    expect(rows).toEqual([
      { variant_id: medium, delta: 4, stock_after: 4 },
      { variant_id: product, delta: -1, stock_after: opening - 1 },
      { variant_id: medium, delta: -1, stock_after: 3 },
    ]);
    const { rows: variants } = await pool.query(`SELECT id, stock FROM product_variants WHERE product_id = $1 ORDER BY id = $1 DESC`, [product]);
    expect(variants).toEqual([
      { id: product, stock: opening - 1 },
      { id: medium, stock: 3 },
    ]);
  });

  it("refuses a cart line or an order line naming a variant of another product", async () => {
    const [line, other] = [idOf("SKU-0017"), idOf("SKU-0018")];
    const cartLine = (variantId: string) =>
      pool.query(`INSERT INTO cart_items (id, cart_id, product_id, variant_id, quantity, updated_at) VALUES ($1, $2, $3, $4, 1, now())`, [
        randomUUID(),
        userCartId,
        line,
        variantId,
      ]);
    expect(await cartLine(other).catch((e: unknown) => e)).toMatchObject({ code: "23503", constraint: "cart_items_variant_id_product_id_fkey" });
    await cartLine(line);

    const { rows } = await pool.query<{ order_id: string }>(`SELECT order_id FROM order_items LIMIT 1`);
    const orderLine = (variantId: string) =>
      pool.query(
        `INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity)
         VALUES ($1, $2, $3, $4, 'SKU-0017', 'Linen Mug', 100, 1)`,
        [randomUUID(), rows[0]!.order_id, line, variantId],
      );
    expect(await orderLine(other).catch((e: unknown) => e)).toMatchObject({ code: "23503", constraint: "order_items_variant_id_product_id_fkey" });
    await orderLine(line);
  });
});

// ---------------------------------------------------------------------------
// Rules a per-product check alone would miss: two writers adding the same
// combination at once (the check takes its product's row lock, so the second
// waits and then sees the first one's variant), and options or values moved
// to another product (refused by BEFORE UPDATE triggers). Their setup runs in
// beforeAll, so that a broken setup fails the run.
// ---------------------------------------------------------------------------

/** What refused the work, at a statement or at COMMIT; undefined when it committed. */
async function refusal(work: (c: pg.PoolClient) => Promise<void>): Promise<unknown> {
  return commitError(work).catch((e: unknown) => e);
}

describe("combination rules under concurrent and moving writes", () => {
  const size: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    // SKU-0019: Size S (held by its default variant) and M. SKU-0021 and SKU-0022: Size S each, held.
    // SKU-0023: Size S, held; SKU-0024 has no options.
    const error = await commitError(async (c) => {
      for (const [sku, values] of [["SKU-0019", ["S", "M"]], ["SKU-0021", ["S"]], ["SKU-0022", ["S"]], ["SKU-0023", ["S"]]] as const) {
        size[sku] = await addOption(c, sku, "Size", [...values]);
        await giveValues(c, idOf(sku), [size[sku].S!]);
      }
    });
    expect(error).toBeUndefined();
  });

  it("refuses two transactions that each add the same combination before either commits", async () => {
    // Two admins add "M" at once. SET CONSTRAINTS ... IMMEDIATE runs the
    // deferred checks there and then, as COMMIT would: this orders both checks
    // before either commit, which two plain COMMITs at the same moment also
    // do (about half the time when tried).
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      const { rows } = await b.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
      await a.query("BEGIN");
      await addVariant(a, "SKU-0019", "SKU-0019-M-A", [size["SKU-0019"]!.M!]);
      await a.query("SET CONSTRAINTS ALL IMMEDIATE");
      await b.query("BEGIN");
      let settled = false;
      const second = (async () => {
        await addVariant(b, "SKU-0019", "SKU-0019-M-B", [size["SKU-0019"]!.M!]);
        await b.query("SET CONSTRAINTS ALL IMMEDIATE");
      })()
        .then(
          () => undefined,
          (e: unknown) => e,
        )
        .finally(() => (settled = true));
      // a commits once b's check has run, or once b waits for a (as a rule that serialises writers would make it).
      const waitingForA = async () =>
        (await pool.query<{ n: number }>("SELECT cardinality(pg_blocking_pids($1)) AS n", [rows[0]!.pid])).rows[0]!.n > 0;
      while (!settled && !(await waitingForA())) await new Promise((resolve) => setTimeout(resolve, 10));
      await a.query("COMMIT");
      const error = await second;
      await b.query(error ? "ROLLBACK" : "COMMIT");
      expect(error).toMatchObject({ code: "23505" });
    } finally {
      a.release();
      b.release();
    }
  });

  it("refuses moving an option value a variant holds to another product's option", async () => {
    // SKU-0021's variant would hold a value of SKU-0022's option and none of its own.
    const error = await refusal(async (c) => {
      await c.query(`UPDATE product_option_values SET option_id = (SELECT option_id FROM product_option_values WHERE id = $2), value = 'S2' WHERE id = $1`, [
        size["SKU-0021"]!.S,
        size["SKU-0022"]!.S,
      ]);
    });
    expect(error).toMatchObject({ code: expect.stringMatching(/^23/) });
  });

  it("refuses moving an option to another product", async () => {
    // SKU-0024's one variant would lack a value of its new option; SKU-0023's would hold a value of another product's option.
    const error = await refusal(async (c) => {
      await c.query(`UPDATE product_options SET product_id = $2 WHERE product_id = $1`, [idOf("SKU-0023"), idOf("SKU-0024")]);
    });
    expect(error).toMatchObject({ code: expect.stringMatching(/^23/) });
  });
});
