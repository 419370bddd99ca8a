import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertUser, orderCreatedEvents as createdEvents, servicesFor, sqlPool, stockOf } from "../support/fixtures";
import { userCartOwner } from "@/lib/domain/cart";
import { SHIP_TO } from "../support/addresses";

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

const orderCreatedEvents = (orderIds: string[]) => createdEvents(pool, orderIds);

async function shopperWithCart(lines: { productId: string; quantity: number }[]) {
  const user = await insertUser(pool);
  for (const line of lines) await services.cart.addItem(userCartOwner(user.id), line);
  return user;
}

describe("checkout under concurrency", () => {
  it("reserves exactly 10 of 50 parallel one-unit orders when 10 are in stock, and rejects the other 40", async () => {
    const product = await insertProduct(pool, { stock: 10 });
    const shoppers = [];
    for (let i = 0; i < 50; i++) shoppers.push(await shopperWithCart([{ productId: product, quantity: 1 }]));

    const placed = await Promise.all(
      shoppers.map((s) => services.orders.placeOrder({ userId: s.id, email: s.email, checkoutKey: randomUUID(), shipTo: SHIP_TO })),
    );
    expect(placed.filter((p) => p.created)).toHaveLength(50);

    const events = await orderCreatedEvents(placed.map((p) => p.order.id));
    expect(events).toHaveLength(50);
    const outcomes = await Promise.allSettled(events.map((e) => services.worker.reserveStock(e)));
    const failures = outcomes.filter((o) => o.status === "rejected");
    expect(failures, "no reservation may fail (e.g. with a deadlock)").toEqual([]);
    const values = outcomes.map((o) => (o as PromiseFulfilledResult<string>).value);
    expect(values.filter((v) => v === "reserved")).toHaveLength(10);
    expect(values.filter((v) => v === "rejected")).toHaveLength(40);

    expect(await stockOf(pool, product)).toBe(0);
    const { rows } = await pool.query(
      `SELECT status, cancellation_reason, count(*)::int AS n FROM orders WHERE id = ANY($1) GROUP BY 1, 2 ORDER BY status::text`,
      [placed.map((p) => p.order.id)],
    );
    expect(rows).toEqual([
      { status: "cancelled", cancellation_reason: "out_of_stock", n: 40 },
      { status: "stock_reserved", cancellation_reason: null, n: 10 },
    ]);
  });

  it("never deadlocks when orders lock overlapping products in different orders", async () => {
    const products = [];
    for (let i = 0; i < 4; i++) products.push(await insertProduct(pool, { stock: 1000 }));
    const shoppers = [];
    for (let i = 0; i < 30; i++) {
      // Each shopper adds the products in a different order.
      const rotated = [...products.slice(i % 4), ...products.slice(0, i % 4)];
      const lines = (i % 2 === 0 ? rotated : rotated.reverse()).map((productId) => ({ productId, quantity: 1 }));
      shoppers.push(await shopperWithCart(lines));
    }
    const placed = await Promise.all(shoppers.map((s) => services.orders.placeOrder({ userId: s.id, email: s.email, checkoutKey: randomUUID(), shipTo: SHIP_TO })));
    const events = await orderCreatedEvents(placed.map((p) => p.order.id));
    const outcomes = await Promise.allSettled(events.map((e) => services.worker.reserveStock(e)));
    expect(outcomes.filter((o) => o.status === "rejected")).toEqual([]);
    for (const p of products) expect(await stockOf(pool, p)).toBe(1000 - 30);
  });

  it("creates one order when the same checkout is submitted 5 times at once", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 2 }]);
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => services.orders.placeOrder({ userId: shopper.id, email: shopper.email, checkoutKey: key, shipTo: SHIP_TO })),
    );
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [shopper.id]);
    expect(rows[0].n).toBe(1);
    const { rows: events } = await pool.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.created' AND aggregate_id = $1`,
      [results[0]!.order.id],
    );
    expect(events[0].n).toBe(1);
  });

  it("handles the same order.created event delivered twice at once as one reservation", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 2 }]);
    const { order } = await services.orders.placeOrder({ userId: shopper.id, email: shopper.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    const [event] = await orderCreatedEvents([order.id]);
    const outcomes = await Promise.all([services.worker.reserveStock(event!), services.worker.reserveStock(event!), services.worker.reserveStock(event!)]);
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "reserved"]);
    expect(await stockOf(pool, product)).toBe(3);
  });
});
