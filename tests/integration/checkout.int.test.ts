import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError } from "@/lib/domain/errors";
import { parseEventPayload } from "@/lib/domain/events";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaOrderRepository } from "@/lib/infrastructure/db/prisma-order-repository";
import { SHIP_TO } from "../support/addresses";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertSimpleProduct, insertUser, servicesFor, sqlPool } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  prisma = createPrismaClient(db.url, { poolSize: 4 });
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await prisma?.$disconnect();
  await pool?.end();
  await db?.drop();
});

const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });

async function shopperWithCart(lines: { productId: string; quantity: number }[]) {
  const user = await insertUser(pool);
  for (const line of lines) await services.cart.addItem(userCartOwner(user.id), line);
  return user;
}

async function orderRow(orderId: string) {
  const { rows } = await pool.query(
    `SELECT subtotal_minor, shipping_minor, total_minor, ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country
     FROM orders WHERE id = $1`,
    [orderId],
  );
  return rows[0];
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("PrismaOrderRepository with addresses and shipping", () => {
  async function newOrder(overrides: Record<string, unknown> = {}) {
    const user = await insertUser(pool);
    const { productId, variantId } = await insertSimpleProduct(pool, { stock: 5, priceMinor: 1500 });
    return {
      id: randomUUID(),
      userId: user.id,
      checkoutKey: randomUUID(),
      subtotal: usd(3000),
      shipping: usd(495),
      total: usd(3495),
      shipTo: SHIP_TO,
      lines: [{ productId, variantId, sku: "S", name: "N", variantTitle: "", unitPrice: usd(1500), quantity: 2 }],
      createdAt: new Date(),
      ...overrides,
    };
  }

  it("stores the address, subtotal and shipping and reads them back as they were", async () => {
    const orders = new PrismaOrderRepository(prisma);
    const created = await orders.create(await newOrder());
    expect(created).toMatchObject({ subtotal: usd(3000), shipping: usd(495), total: usd(3495), shipTo: SHIP_TO });
    expect(await orders.findById(created.id)).toEqual(created);
    expect(await orderRow(created.id)).toEqual({
      subtotal_minor: 3000,
      shipping_minor: 495,
      total_minor: 3495,
      ship_name: "Ada Lovelace",
      ship_line1: "12 Hill Street",
      ship_line2: null,
      ship_city: "San Francisco",
      ship_postal_code: "94107",
      ship_country: "US",
    });
  });

  it("keeps unicode intact and fits the longest address the form accepts", async () => {
    const orders = new PrismaOrderRepository(prisma);
    const shipTo = {
      name: "Zoë Łukasiewicz-Núñez 山田 🏠".padEnd(100, "é"),
      line1: "東".repeat(200),
      line2: "🏠".repeat(100), // 200 UTF-16 units, 100 characters for PostgreSQL
      city: "Zürich".padEnd(100, "ß"),
      postalCode: "9".repeat(20),
      country: "DE",
    };
    const created = await orders.create(await newOrder({ shipTo }));
    expect((await orders.findById(created.id))!.shipTo).toEqual(shipTo);
  });

  it("refuses an order whose total is not subtotal plus shipping (CHECK constraint)", async () => {
    const orders = new PrismaOrderRepository(prisma);
    const wrong = await rejection(orders.create(await newOrder({ total: usd(3000) })));
    expect(isAppError(wrong)).toBe(true);
    const negative = await rejection(orders.create(await newOrder({ subtotal: usd(3500), shipping: usd(-5), total: usd(3495) })));
    expect(isAppError(negative)).toBe(true);

    const ok = await orders.create(await newOrder());
    const direct = await rejection(pool.query(`UPDATE orders SET shipping_minor = 0 WHERE id = $1`, [ok.id]));
    expect(direct).toMatchObject({ code: "23514", constraint: "orders_total_is_subtotal_plus_shipping" });
  });

  it("reads an order placed before addresses were collected with no address and shipping 0", async () => {
    const user = await insertUser(pool);
    const id = randomUUID();
    await pool.query(
      `INSERT INTO orders (id, user_id, checkout_key, currency, subtotal_minor, shipping_minor, total_minor, created_at, updated_at)
       VALUES ($1, $2, 'legacy', 'USD', 1200, 0, 1200, now(), now())`,
      [id, user.id],
    );
    const order = await new PrismaOrderRepository(prisma).findById(id);
    expect(order).toMatchObject({ shipTo: null, subtotal: usd(1200), shipping: usd(0), total: usd(1200) });
  });
});

describe("placing an order with an address against PostgreSQL", () => {
  it("creates one order, with the address and shipping, when the same checkout is submitted 5 times at once", async () => {
    const { productId: product, variantId } = await insertSimpleProduct(pool, { stock: 5, priceMinor: 1250 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 2 }]);
    const key = randomUUID();
    const input = { userId: shopper.id, email: shopper.email, checkoutKey: key, shipTo: SHIP_TO, expectedTotalMinor: 2995 };

    const results = await Promise.all(Array.from({ length: 5 }, () => services.orders.placeOrder(input)));

    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const orderId = results[0]!.order.id;
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [shopper.id]);
    expect(rows[0].n).toBe(1);
    expect(await orderRow(orderId)).toMatchObject({ subtotal_minor: 2500, shipping_minor: 495, total_minor: 2995, ship_city: "San Francisco" });

    const { rows: events } = await pool.query(
      `SELECT schema_version, payload FROM outbox_events WHERE type = 'order.created' AND aggregate_id = $1`,
      [orderId],
    );
    expect(events).toHaveLength(1);
    expect(events[0].schema_version).toBe(3);
    expect(parseEventPayload("order.created", 3, events[0].payload)).toMatchObject({
      subtotalMinor: 2500,
      shippingMinor: 495,
      totalMinor: 2995,
      shipTo: SHIP_TO,
      lines: [{ productId: product, variantId, variantTitle: "", quantity: 2, unitPriceMinor: 1250 }],
    });
    expect((await services.cart.getCart(userCartOwner(shopper.id))).cart.lines).toEqual([]);
  });

  it("charges $4.95 one cent below $50.00 and nothing at $50.00, as the review quoted", async () => {
    const below = await insertProduct(pool, { stock: 5, priceMinor: 4999 });
    const at = await insertProduct(pool, { stock: 5, priceMinor: 2500 });
    const a = await shopperWithCart([{ productId: below, quantity: 1 }]);
    const b = await shopperWithCart([{ productId: at, quantity: 2 }]);

    const quoteA = await services.orders.quoteCheckout(a.id);
    const quoteB = await services.orders.quoteCheckout(b.id);
    expect([quoteA!.shipping, quoteA!.total]).toEqual([usd(495), usd(5494)]);
    expect([quoteB!.shipping, quoteB!.total]).toEqual([usd(0), usd(5000)]);

    const { order: orderA } = await services.orders.placeOrder({ userId: a.id, email: a.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    const { order: orderB } = await services.orders.placeOrder({ userId: b.id, email: b.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    expect([orderA.subtotal, orderA.shipping, orderA.total]).toEqual([quoteA!.subtotal, quoteA!.shipping, quoteA!.total]);
    expect([orderB.subtotal, orderB.shipping, orderB.total]).toEqual([quoteB!.subtotal, quoteB!.shipping, quoteB!.total]);
  });

  it("says the cart is empty when another tab emptied it after the review, and writes nothing", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 1 }]);
    const reviewed = (await services.orders.quoteCheckout(shopper.id))!.total.amountMinor;
    const [line] = (await services.cart.getCart(userCartOwner(shopper.id))).cart.lines;
    await services.cart.removeItem(userCartOwner(shopper.id), line!.itemId);

    const error = await rejection(
      services.orders.placeOrder({ userId: shopper.id, email: shopper.email, checkoutKey: randomUUID(), shipTo: SHIP_TO, expectedTotalMinor: reviewed }),
    );
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toBe("Your cart is empty, so nothing was ordered.");
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [shopper.id]);
    expect(rows[0].n).toBe(0);
  });

  it("places nothing when the cart costs something else than the review showed", async () => {
    const product = await insertProduct(pool, { stock: 5, priceMinor: 1000 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 1 }]);
    const reviewed = (await services.orders.quoteCheckout(shopper.id))!.total.amountMinor;
    await pool.query(`UPDATE products SET price_minor = 1100 WHERE id = $1`, [product]);

    const error = await rejection(
      services.orders.placeOrder({ userId: shopper.id, email: shopper.email, checkoutKey: randomUUID(), shipTo: SHIP_TO, expectedTotalMinor: reviewed }),
    );
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toContain("the total is now $15.95");
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [shopper.id]);
    expect(rows[0].n).toBe(0);
    expect((await services.cart.getCart(userCartOwner(shopper.id))).cart.lines).toHaveLength(1);
  });

  it("refuses an invalid address before touching the database", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const shopper = await shopperWithCart([{ productId: product, quantity: 1 }]);
    const error = await rejection(
      services.orders.placeOrder({ userId: shopper.id, email: shopper.email, checkoutKey: randomUUID(), shipTo: { ...SHIP_TO, city: "x".repeat(101), country: "ZZ" } }),
    );
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(["city", "country"]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE user_id = $1`, [shopper.id]);
    expect(rows[0].n).toBe(0);
  });
});
