import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Actor } from "@/lib/application/admin/access";
import { makeAdminStock } from "@/lib/application/admin/stock";
import { noCatalogCache } from "@/lib/application/catalog/catalog-cache";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError } from "@/lib/domain/errors";
import { parseEventPayload, type DomainEvent, type Topic } from "@/lib/domain/events";
import { createPrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaStockLedgerRepository } from "@/lib/infrastructure/db/prisma-stock-ledger-repository";
import { PrismaUnitOfWork } from "@/lib/infrastructure/db/prisma-unit-of-work";
import { SHIP_TO } from "../support/addresses";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { prng } from "../support/prng";
import { insertProductWithVariants, insertSimpleProduct, insertUser, servicesFor, sqlPool, variantStockOf } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;
let admin: Actor;
let adminEmail: string;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url, { PAYMENTS_FAKE_LATENCY_MS: "0", RESERVATION_TTL_SECONDS: "600" });
  adminEmail = `admin-${randomUUID().slice(0, 8)}@example.com`;
  const { id } = await insertUser(pool, adminEmail);
  await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [id]);
  admin = { id, role: "admin" };
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async function outboxEvents<T extends Topic>(type: T, aggregateIds?: string[]): Promise<DomainEvent<T>[]> {
  const { rows } = await pool.query(
    `SELECT id, aggregate_type, aggregate_id, schema_version, payload, created_at FROM outbox_events
      WHERE type = $1 AND ($2::text[] IS NULL OR aggregate_id = ANY($2)) ORDER BY created_at, id`,
    [type, aggregateIds ?? null],
  );
  return rows.map((r) => ({
    id: r.id,
    type,
    version: r.schema_version,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    occurredAt: r.created_at,
    payload: parseEventPayload(type, r.schema_version, r.payload),
  }));
}

type LedgerRow = { id: string; product_id: string; variant_id: string; delta: number; stock_after: number; reason: string; order_id: string | null; actor_id: string | null; note: string | null };

/** The ledger rows of these variants, oldest first. */
async function ledgerOf(variantIds: string[]): Promise<LedgerRow[]> {
  const { rows } = await pool.query<LedgerRow>(
    // By the bigint id (an ORDER BY id here would sort the text column of the same name).
    `SELECT m.id::text AS id, m.product_id, m.variant_id, m.delta, m.stock_after, m.reason::text AS reason, m.order_id, m.actor_id, m.note
       FROM stock_movements m WHERE m.variant_id = ANY($1) ORDER BY m.id`,
    [variantIds],
  );
  return rows;
}

async function orderLines(orderId: string): Promise<{ variantId: string; quantity: number }[]> {
  const { rows } = await pool.query(`SELECT variant_id, quantity FROM order_items WHERE order_id = $1 ORDER BY variant_id`, [orderId]);
  return rows.map((r) => ({ variantId: r.variant_id, quantity: r.quantity }));
}

// ---------------------------------------------------------------------------
// The invariant under a random parallel mix
// ---------------------------------------------------------------------------

describe("stock ledger invariant", () => {
  it("keeps stock = sum of the ledger = last stock_after for every variant under a random mix of parallel operations", async () => {
    const seed = Number(process.env.STOCK_MIX_SEED ?? 20261121);
    const rnd = prng(seed);
    const counts: Record<string, number> = {};
    const count = (kind: string) => void (counts[kind] = (counts[kind] ?? 0) + 1);

    // Three products in two sizes each: six variants, the unit of stock, two sharing each product.
    const opening = new Map<string, number>();
    const variants: string[] = [];
    const productOf = new Map<string, string>();
    for (let i = 0; i < 3; i++) {
      const stocks = [rnd.int(10, 24), rnd.int(10, 24)];
      const { productId, variantIds } = await insertProductWithVariants(pool, {
        name: `Mix product ${i}`,
        options: { Size: ["S", "M"] },
        variants: [
          { values: ["S"], stock: stocks[0]! },
          { values: ["M"], stock: stocks[1]!, priceOverrideMinor: 1200 },
        ],
      });
      for (const [k, size] of ["S", "M"].entries()) {
        const id = variantIds.get(size)!;
        variants.push(id);
        productOf.set(id, productId);
        opening.set(id, stocks[k]!);
      }
    }
    const products = [...new Set(productOf.values())];

    // Shoppers with their carts, filled before the mix (adding to a cart checks the stock of the moment).
    type Flow = "keep" | "pay" | "cancel" | "cancel_pending" | "expire" | "expire_and_cancel";
    const FLOWS: Flow[] = ["keep", "pay", "cancel", "cancel_pending", "expire", "expire_and_cancel"];
    const shoppers: { id: string; email: string; flow: Flow }[] = [];
    for (let i = 0; i < 60; i++) {
      const user = await insertUser(pool);
      const lineCount = rnd.int(1, 3);
      const chosen = new Set<string>();
      while (chosen.size < lineCount) chosen.add(rnd.pick(variants));
      for (const variantId of chosen) {
        await services.cart.addItem(userCartOwner(user.id), { productId: productOf.get(variantId)!, variantId, quantity: rnd.int(1, 3) });
      }
      shoppers.push({ ...user, flow: rnd.pick(FLOWS) });
    }

    const okAdjustments: { variantId: string; delta: number }[] = [];
    const placedOrders: string[] = [];

    /**
     * Delivers each order.cancelled event of these orders (all when none given)
     * to releaseStock, as the inventory consumer would: twice at once, as a
     * redelivery can, the first time this test sees it, and not again after.
     */
    const delivered = new Set<string>();
    const releaseFor = async (orderIds?: string[]) => {
      const events = (await outboxEvents("order.cancelled", orderIds)).filter((e) => !delivered.has(e.id));
      for (const e of events) delivered.add(e.id);
      await Promise.all(
        events.map(async (event) => {
          const outcomes = await Promise.all([services.worker.releaseStock(event), services.worker.releaseStock(event)]);
          for (const outcome of outcomes) count(`release:${outcome}`);
        }),
      );
    };

    const adjustment = async () => {
      const variantId = rnd.pick(variants);
      const reason = rnd.pick(["restock", "correction", "damage"] as const);
      const delta = reason === "restock" ? rnd.int(1, 8) : reason === "damage" ? -rnd.int(1, 9) : rnd.pick([-1, 1]) * rnd.int(1, 7);
      try {
        await services.admin.stock.adjust(admin, { variantId, delta, reason, note: `mix ${reason}` });
        okAdjustments.push({ variantId, delta });
        count(`adjust:${reason}`);
      } catch (error) {
        // The only acceptable refusal: it would take the stock below zero.
        if (!isAppError(error, "validation") || !/in stock/.test(error.fields[0]?.message ?? "")) throw error;
        count(`adjust:${reason}:refused`);
      }
    };

    const shopper = async (s: (typeof shoppers)[number]) => {
      const { order } = await services.orders.placeOrder({ userId: s.id, email: s.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
      placedOrders.push(order.id);
      count("placeOrder");
      const [created] = await outboxEvents("order.created", [order.id]);
      if (s.flow === "cancel_pending") {
        // The shopper cancels while the worker reserves: either order wins, never both half-way.
        const [reserved] = await Promise.all([services.worker.reserveStock(created!), services.orders.cancelOrder({ userId: s.id, orderId: order.id })]);
        count(`reserveStock:${reserved}`);
        count("cancelOrder");
        await releaseFor([order.id]);
        return;
      }
      const reserved = await services.worker.reserveStock(created!);
      count(`reserveStock:${reserved}`);
      if (reserved !== "reserved") return;
      if (s.flow === "pay") {
        const paid = await services.payments.payOrder({ userId: s.id, email: s.email, orderId: order.id, cardNumber: "4242424242424242", paymentKey: randomUUID() });
        count(paid.paid ? "payOrder" : "payOrder:declined");
      } else if (s.flow === "cancel") {
        await services.orders.cancelOrder({ userId: s.id, orderId: order.id });
        count("cancelOrder");
        await releaseFor([order.id]);
      } else if (s.flow === "expire" || s.flow === "expire_and_cancel") {
        // Its payment window closed: the expiry tasks running alongside pick it up.
        await pool.query(`UPDATE orders SET reserved_until = now() - interval '1 minute' WHERE id = $1`, [order.id]);
        if (s.flow === "expire_and_cancel") {
          // The shopper cancels while the expiry job may be cancelling it too: one cancellation, one release.
          await services.orders.cancelOrder({ userId: s.id, orderId: order.id });
          count("cancelOrder");
          await releaseFor([order.id]);
        }
      }
    };

    // The expiry job runs alongside everything else, as the worker's timer would: a few rounds each, at seeded moments.
    const delays = Array.from({ length: 15 }, () => Array.from({ length: 3 }, () => rnd.int(0, 1500)));
    const expiry = async (rounds: number[]) => {
      for (const ms of rounds) {
        await new Promise((r) => setTimeout(r, ms));
        const expired = await services.worker.expireReservations(5);
        count("expireReservations");
        counts["expired"] = (counts["expired"] ?? 0) + expired;
        await releaseFor();
      }
    };

    const tasks: (() => Promise<void>)[] = [];
    for (let i = 0; i < 80; i++) tasks.push(adjustment);
    for (const s of shoppers) tasks.push(() => shopper(s));
    for (const rounds of delays) tasks.push(() => expiry(rounds));
    // Shuffle (seeded), then start them all at once.
    for (let i = tasks.length - 1; i > 0; i--) {
      const j = rnd.int(0, i);
      [tasks[i], tasks[j]] = [tasks[j]!, tasks[i]!];
    }
    const outcomes = await Promise.allSettled(tasks.map((t) => t()));
    const failures = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => String(o.reason?.stack ?? o.reason));
    expect(failures, "no operation may fail (deadlock, chain violation, timeout)").toEqual([]);

    // Whatever lapsed but was not picked up during the mix is expired and released now.
    while (true) {
      const drained = await services.worker.expireReservations(50);
      if (drained === 0) break;
      counts["expired:after"] = (counts["expired:after"] ?? 0) + drained;
    }
    await releaseFor();

    console.log(`stock mix (seed ${seed}): ${tasks.length} tasks`, JSON.stringify(Object.fromEntries(Object.entries(counts).sort())));
    // The mix really mixed: every kind of operation ran, and some adjustments were refused.
    for (const kind of ["adjust:restock", "adjust:correction", "adjust:damage", "placeOrder", "reserveStock:reserved", "cancelOrder", "payOrder", "release:released", "expireReservations"]) {
      expect(counts[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(Object.keys(counts).filter((k) => k.endsWith(":refused")).length).toBeGreaterThan(0);
    expect(counts["expired"] ?? 0).toBeGreaterThan(0);

    const ledger = await ledgerOf(variants);
    // Every row names its variant's own product.
    expect(ledger.filter((r) => productOf.get(r.variant_id) !== r.product_id)).toEqual([]);
    const { rows: orderRows } = await pool.query<{ id: string; status: string; was_reserved: boolean }>(
      `SELECT o.id, o.status::text, EXISTS (SELECT 1 FROM order_status_changes c WHERE c.order_id = o.id AND c.status = 'stock_reserved') AS was_reserved
         FROM orders o WHERE o.id = ANY($1)`,
      [placedOrders],
    );
    expect(orderRows).toHaveLength(shoppers.length);

    // Per order: its reservation rows are its lines (if it was ever reserved), and it was released exactly when it no longer holds stock.
    const held = new Map<string, number>();
    for (const o of orderRows) {
      const lines = await orderLines(o.id);
      const rowsOf = (reason: string) =>
        ledger
          .filter((r) => r.order_id === o.id && r.reason === reason)
          .map((r) => ({ variantId: r.variant_id, quantity: Math.abs(r.delta), sign: Math.sign(r.delta) }))
          .sort((a, b) => (a.variantId < b.variantId ? -1 : a.variantId > b.variantId ? 1 : 0));
      const expected = (sign: number) => lines.map((l) => ({ ...l, sign }));
      const holds = o.status === "stock_reserved" || o.status === "paid";
      expect(rowsOf("reservation"), `reservation rows of ${o.id}`).toEqual(o.was_reserved ? expected(-1) : []);
      expect(rowsOf("release"), `release rows of ${o.id}`).toEqual(o.was_reserved && !holds ? expected(1) : []);
      if (!o.was_reserved) expect(o.status).toBe("cancelled");
      if (holds) for (const l of lines) held.set(l.variantId, (held.get(l.variantId) ?? 0) + l.quantity);
    }

    for (const variantId of variants) {
      const rows = ledger.filter((r) => r.variant_id === variantId);
      const stock = await variantStockOf(pool, variantId);
      const sum = rows.reduce((a, r) => a + r.delta, 0);
      expect(stock, `stock of ${variantId}`).toBeGreaterThanOrEqual(0);
      expect(sum, `sum of the ledger of ${variantId}`).toBe(stock);
      expect(rows.at(-1)!.stock_after, `last stock_after of ${variantId}`).toBe(stock);
      // The chain: each row continues the previous one and never dips below zero.
      let running = 0;
      for (const r of rows) {
        running += r.delta;
        expect(r.stock_after).toBe(running);
        expect(r.stock_after).toBeGreaterThanOrEqual(0);
      }
      // And the stock is what the test itself did: opening + accepted adjustments − what orders still hold.
      const adjusted = okAdjustments.filter((a) => a.variantId === variantId).reduce((a, x) => a + x.delta, 0);
      expect(stock, `expected stock of ${variantId}`).toBe(opening.get(variantId)! + adjusted - (held.get(variantId) ?? 0));
      // No sale rows: payment moves no stock.
      expect(rows.map((r) => r.reason).filter((r) => !["opening", "restock", "correction", "damage", "reservation", "release"].includes(r))).toEqual([]);
    }

    // Every accepted adjustment wrote one ledger row (by the admin) and one inventory.updated; refused ones wrote neither.
    const adjustmentRows = ledger.filter((r) => ["restock", "correction", "damage"].includes(r.reason));
    expect(adjustmentRows).toHaveLength(okAdjustments.length);
    expect(new Set(adjustmentRows.map((r) => r.actor_id))).toEqual(new Set([admin.id]));
    const adjustmentEvents = (await outboxEvents("inventory.updated")).filter((e) => e.payload.reason === "adjustment" && products.includes(e.aggregateId));
    expect(adjustmentEvents).toHaveLength(okAdjustments.length);
    // Each names the variant adjusted and its product.
    for (const e of adjustmentEvents) {
      if (e.type !== "inventory.updated") continue;
      for (const c of e.payload.changes) expect(productOf.get(c.variantId)).toBe(c.productId);
    }
   }, 180_000);
});

// ---------------------------------------------------------------------------
// The database's guards
// ---------------------------------------------------------------------------

describe("stock ledger guards in the database", () => {
  it("refuses UPDATE, DELETE and TRUNCATE on stock_movements", async () => {
    const { variantId: product } = await insertSimpleProduct(pool, { stock: 4 });
    await expect(pool.query(`UPDATE stock_movements SET note = 'edited' WHERE variant_id = $1`, [product])).rejects.toThrow(/append-only \(UPDATE refused\)/);
    await expect(pool.query(`DELETE FROM stock_movements WHERE variant_id = $1`, [product])).rejects.toThrow(/append-only \(DELETE refused\)/);
    await expect(pool.query(`TRUNCATE stock_movements`)).rejects.toThrow(/append-only \(TRUNCATE refused\)/);
    const rows = await ledgerOf([product]);
    expect(rows.map((r) => [r.reason, r.delta, r.note])).toEqual([["opening", 4, "Test fixture"]]);
  });

  it("refuses at commit a change of stock without its ledger row, and keeps the stock as it was", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 4 });
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      // Accepted for now: the check is deferred to the commit.
      await client.query(`UPDATE product_variants SET stock = stock + 5 WHERE id = $1`, [product]);
      await expect(client.query("COMMIT")).rejects.toThrow(/stock of variant .* is 9 but its ledger says 4/);
    } finally {
      client.release();
    }
    // Outside a transaction, the statement itself is its commit.
    await expect(pool.query(`UPDATE product_variants SET stock = 0 WHERE id = $1`, [product])).rejects.toThrow(/ledger says 4/);
    // A new product's variant with stock but without its opening row.
    const bare = randomUUID();
    await pool.query(`INSERT INTO products (id, sku, slug, name, price_minor, currency, updated_at) VALUES ($1, $2, $2, 'No opening', 100, 'USD', now())`, [
      bare,
      `no-opening-${bare.slice(0, 8)}`,
    ]);
    await expect(
      pool.query(`INSERT INTO product_variants (id, product_id, sku, stock) VALUES ($1, $2, $3, 3)`, [randomUUID(), bare, `no-opening-${bare.slice(0, 8)}`]),
    ).rejects.toThrow(/ledger says 0/);
    // A second live variant of a product without options is refused too (one combination, the empty one).
    await expect(
      pool.query(`INSERT INTO product_variants (id, product_id, sku, stock, position) VALUES ($1, $2, $3, 0, 1)`, [randomUUID(), productId, `twin-${bare.slice(0, 8)}`]),
    ).rejects.toThrow(/two live variants of product .* hold the same option values/);
    expect(await variantStockOf(pool, product)).toBe(4);
  });

  it("refuses a ledger row that breaks the product's chain", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 4 });
    // 4 + 2 is 6, not 7.
    await expect(
      pool.query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($2, $1, 2, 7, 'restock')`, [product, productId]),
    ).rejects.toThrow(/stock ledger out of step for variant .*: 4 \+ 2 <> 7/);
    // Even paired with the matching stock change.
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`UPDATE product_variants SET stock = 7 WHERE id = $1`, [product]);
      await expect(
        client.query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($2, $1, 3, 7, 'opening')`, [product, productId]),
      ).resolves.toBeDefined(); // 4 + 3 = 7: a correct row is accepted...
      await expect(
        client.query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($2, $1, 1, 9, 'restock')`, [product, productId]),
      ).rejects.toThrow(/out of step/); // ...a skipping one is not
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    // A zero change and a negative stock_after are refused by their CHECKs.
    await expect(pool.query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($2, $1, 0, 4, 'correction')`, [product, productId])).rejects.toThrow(
      /stock_movements_delta_nonzero/,
    );
    await expect(pool.query(`INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason) VALUES ($2, $1, -5, -1, 'damage')`, [product, productId])).rejects.toThrow(
      /stock_movements_stock_after_nonnegative/,
    );
    expect((await ledgerOf([product])).map((r) => r.stock_after)).toEqual([4]);
  });
});

// ---------------------------------------------------------------------------
// The use cases against PostgreSQL
// ---------------------------------------------------------------------------

describe("admin stock use cases against PostgreSQL", () => {
  it("adjust writes the ledger row and exactly one inventory.updated in the same transaction", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 4 });
    expect(await services.admin.stock.adjust(admin, { variantId: product, delta: 12, reason: "restock", note: "Delivery 7" })).toEqual({ stock: 16 });

    const rows = await ledgerOf([product]);
    expect(rows.map((r) => [r.reason, r.delta, r.stock_after, r.actor_id, r.note, r.order_id])).toEqual([
      ["opening", 4, 4, null, "Test fixture", null],
      ["restock", 12, 16, admin.id, "Delivery 7", null],
    ]);
    const events = await outboxEvents("inventory.updated", [productId]);
    expect(events).toHaveLength(1);
    expect(events[0]!.aggregateType).toBe("product");
    expect(events[0]!.payload).toEqual({ reason: "adjustment", orderId: null, changes: [{ productId, variantId: product, delta: 12, stock: 16 }] });
    // One transaction: the stock, its ledger row and the outbox row were written by the same transaction id.
    const { rows: xids } = await pool.query(
      `SELECT (SELECT xmin::text FROM product_variants WHERE id = $1) AS variant,
              (SELECT xmin::text FROM stock_movements WHERE id = $2::bigint) AS ledger,
              (SELECT xmin::text FROM outbox_events WHERE id = $3) AS outbox`,
      [product, rows[1]!.id, events[0]!.id],
    );
    expect(new Set(Object.values(xids[0]!)).size).toBe(1);
    expect(await variantStockOf(pool, product)).toBe(16);
  });

  it("a refused adjustment writes neither ledger nor outbox, and says how many are in stock", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 3 });
    const error = await services.admin.stock.adjust(admin, { variantId: product, delta: -5, reason: "damage" }).catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as { fields: unknown }).fields).toEqual([{ path: "delta", message: "Only 3 are in stock: you can remove at most 3" }]);
    expect(await variantStockOf(pool, product)).toBe(3);
    expect(await ledgerOf([product])).toHaveLength(1);
    expect(await outboxEvents("inventory.updated", [productId])).toEqual([]);
  });

  it("a failure after the ledger row rolls the row and the stock back with it", async () => {
    const { variantId: product } = await insertSimpleProduct(pool, { stock: 3 });
    const prisma = createPrismaClient(db.url, { poolSize: 2 });
    try {
      const uow = new PrismaUnitOfWork(prisma);
      const failingOutbox = makeAdminStock({
        uow: { run: (work, signal) => uow.run((repos) => work({ ...repos, outbox: { append: async () => Promise.reject(new Error("outbox down")) } }), signal) },
        queries: new PrismaStockLedgerRepository(prisma),
        ids: { uuid: randomUUID },
        clock: { now: () => new Date() },
        catalogCache: noCatalogCache,
      });
      const error = await failingOutbox.adjust(admin, { variantId: product, delta: 5, reason: "restock" }).catch((e: unknown) => e);
      expect(isAppError(error, "internal")).toBe(true);
    } finally {
      await prisma.$disconnect();
    }
    expect(await variantStockOf(pool, product)).toBe(3);
    expect(await ledgerOf([product])).toHaveLength(1);
  });

  it("two adjustments of one variant at the same moment both land", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 10 });
    // Hold the variant row so both adjustments are provably waiting at the same time, then let go.
    const holder = await pool.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT id FROM product_variants WHERE id = $1 FOR UPDATE`, [product]);
      const both = Promise.all([
        services.admin.stock.adjust(admin, { variantId: product, delta: 7, reason: "restock" }),
        services.admin.stock.adjust(admin, { variantId: product, delta: -4, reason: "damage" }),
      ]);
      const waiting = async () => {
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%FOR NO KEY UPDATE%'`,
        );
        return rows[0]!.n;
      };
      const deadline = Date.now() + 10_000;
      while ((await waiting()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await waiting()).toBe(2);
      await holder.query("COMMIT");
      const results = await both;
      // Either order is fine; each saw the other's result, none overwrote it.
      expect([[13, 17], [6, 13]]).toContainEqual(results.map((r) => r.stock).sort((a, b) => a - b));
    } finally {
      holder.release();
    }
    expect(await variantStockOf(pool, product)).toBe(13);
    const rows = await ledgerOf([product]);
    expect(rows.map((r) => r.delta).sort((a, b) => a - b)).toEqual([-4, 7, 10]);
    expect(rows.at(-1)!.stock_after).toBe(13);
    expect(await outboxEvents("inventory.updated", [productId])).toHaveLength(2);
  });

  it("twenty-five parallel adjustments of one variant lose nothing", async () => {
    const { variantId: product } = await insertSimpleProduct(pool, { stock: 50 });
    const deltas = Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? -(i % 5) - 1 : (i % 4) + 1));
    await Promise.all(
      deltas.map((delta) => services.admin.stock.adjust(admin, { variantId: product, delta, reason: delta > 0 ? "restock" : "damage" })),
    );
    const expected = 50 + deltas.reduce((a, b) => a + b, 0);
    expect(await variantStockOf(pool, product)).toBe(expected);
    const rows = await ledgerOf([product]);
    expect(rows).toHaveLength(26);
    expect(rows.at(-1)!.stock_after).toBe(expected);
  });

  it("lists live variants at or below their threshold, lowest first, and the threshold moves a variant onto the list", async () => {
    // Its own products, named so that they sort apart from the rest of this file's.
    const tag = randomUUID().slice(0, 6);
    const make = async (stock: number, threshold: number, archived = false) => {
      const { productId, variantId } = await insertSimpleProduct(pool, { stock, name: `Low ${tag} ${stock}/${threshold}`, lowStockThreshold: threshold });
      if (archived) await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [productId]);
      return variantId;
    };
    const soldOut = await make(0, 0);
    const atThreshold = await make(3, 3);
    const above = await make(8, 5);
    const archived = await make(1, 5, true);
    const below = await make(2, 5);

    const listed = async () => {
      const all = [];
      for (let page = 1; ; page++) {
        const result = await services.admin.stock.lowStock(admin, page);
        all.push(...result.items);
        if (page >= result.pageCount) return { items: all.filter((p) => p.name.startsWith(`Low ${tag}`)), total: result.total };
      }
    };
    const before = await listed();
    expect(before.items.map((p) => p.id)).toEqual([soldOut, below, atThreshold]);
    expect(before.items.map((p) => p.stock)).toEqual([0, 2, 3]);
    expect(before.items.map((p) => p.id)).not.toContain(archived);

    const { rows: versions } = await pool.query(`SELECT version FROM product_variants WHERE id = $1`, [above]);
    await services.admin.stock.setThreshold(admin, above, 9);
    const after = await listed();
    expect(after.items.map((p) => [p.id, p.stock, p.lowStockThreshold])).toEqual([
      [soldOut, 0, 0],
      [below, 2, 5],
      [atThreshold, 3, 3],
      [above, 8, 9],
    ]);
    expect(after.total).toBe(before.total + 1);
    const { rows } = await pool.query(`SELECT low_stock_threshold, version FROM product_variants WHERE id = $1`, [above]);
    expect(rows[0]).toEqual({ low_stock_threshold: 9, version: versions[0].version + 1 });

    const refused = await services.admin.stock.setThreshold(admin, above, -1).catch((e: unknown) => e);
    expect(isAppError(refused, "validation")).toBe(true);
    const missing = await services.admin.stock.setThreshold(admin, randomUUID(), 1).catch((e: unknown) => e);
    expect(isAppError(missing, "not_found")).toBe(true);
  });

  it("shows the ledger newest first with who, what and the order behind a reservation", async () => {
    const { productId, variantId: product } = await insertSimpleProduct(pool, { stock: 5, name: `Ledger lamp ${randomUUID().slice(0, 6)}` });
    await services.admin.stock.adjust(admin, { variantId: product, delta: -1, reason: "damage", note: "Dropped" });
    const user = await insertUser(pool);
    await services.cart.addItem(userCartOwner(user.id), { productId, quantity: 2 });
    const { order } = await services.orders.placeOrder({ userId: user.id, email: user.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    const [created] = await outboxEvents("order.created", [order.id]);
    expect(await services.worker.reserveStock(created!)).toBe("reserved");

    const { product: summary, entries } = await services.admin.stock.ledger(admin, product, 1);
    expect(summary).toEqual({
      id: product,
      productId,
      sku: expect.any(String),
      slug: expect.any(String),
      name: expect.stringContaining("Ledger lamp"),
      variantTitle: "",
      stock: 2,
      lowStockThreshold: 5,
      archived: false,
    });
    expect(entries.total).toBe(3);
    expect(entries.items.map((e) => [e.reason, e.delta, e.stockAfter, e.actorEmail, e.orderId, e.note])).toEqual([
      ["reservation", -2, 2, null, order.id, null],
      ["damage", -1, 4, adminEmail, null, "Dropped"],
      ["opening", 5, 5, null, null, "Test fixture"],
    ]);

    const found = await services.admin.stock.search(admin, summary.name.slice(-6).toUpperCase());
    expect(found.items.map((p) => p.id)).toEqual([product]);
    // LIKE's wildcards are matched literally.
    expect((await services.admin.stock.search(admin, "%")).items.map((p) => p.id)).not.toContain(product);
  });
});
