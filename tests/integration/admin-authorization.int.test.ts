import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { isAppError } from "@/lib/domain/errors";
import type { Actor } from "@/lib/application/admin/access";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertUser, servicesFor, sqlPool } from "../support/fixtures";
import { fingerprint } from "../support/api-fuzz";

/**
 * The back office's authorisation matrix at the use-case level: every function
 * under services.admin is called as an anonymous visitor and as a customer,
 * with an input an admin's call could act on (a real product, order and user;
 * the customer asking to be made admin), and must be refused with nothing
 * changed anywhere in the database. The same calls as an admin get past the
 * check, so the refusals are not an accident of the input.
 */

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

let customer: Actor;
let admin: Actor;
let input: Record<string, unknown>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url);
  const productId = await insertProduct(pool, { stock: 5, name: "Guarded Lamp" });
  const { rows: cats } = await pool.query<{ id: string }>(
    `INSERT INTO categories (id, slug, name, updated_at) VALUES ($1, 'guarded', 'Guarded', now()) RETURNING id`,
    [randomUUID()],
  );
  await pool.query(`INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)`, [productId, cats[0]!.id]);
  const shopper = await insertUser(pool);
  const boss = await insertUser(pool, `boss-${randomUUID().slice(0, 8)}@example.com`);
  await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [boss.id]);
  customer = { id: shopper.id, role: "customer" };
  admin = { id: boss.id, role: "admin" };
  // A paid order of the customer's, which an admin could ship or cancel.
  const orderId = randomUUID();
  await pool.query(
    `INSERT INTO orders (id, user_id, status, checkout_key, currency, subtotal_minor, shipping_minor, total_minor, paid_at, updated_at)
     VALUES ($1, $2, 'paid', $3, 'USD', 1000, 0, 1000, now(), now())`,
    [orderId, shopper.id, randomUUID()],
  );
  await pool.query(
    `INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity)
     SELECT $1, $2, p.id, v.id, v.sku, p.name, p.price_minor, 1 FROM products p JOIN product_variants v ON v.product_id = p.id WHERE p.id = $3`,
    [randomUUID(), orderId, productId],
  );
  // One input with every field any admin use case reads, each pointing at something real.
  input = {
    id: productId,
    productId,
    orderId,
    userId: shopper.id,
    role: "admin",
    expectedVersion: 0,
    version: 0,
    trackingReference: "TRACK-1",
    delta: 5,
    reason: "restock",
    note: "not allowed",
    threshold: 3,
    name: "Sneaky Product",
    sku: "SNEAKY-1",
    slug: "sneaky-product",
    description: "",
    price: "10.00",
    priceMinor: 1000,
    stock: 3,
    lowStockThreshold: 2,
    categoryIds: [cats[0]!.id],
    imageId: randomUUID(),
    direction: "up",
    page: 1,
    q: "",
  };
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

function adminFunctions(): { name: string; fn: (actor: Actor | null, ...rest: unknown[]) => Promise<unknown> }[] {
  const out = [];
  for (const [area, fns] of Object.entries(services.admin)) {
    for (const [name, fn] of Object.entries(fns as Record<string, unknown>)) {
      if (typeof fn === "function") out.push({ name: `${area}.${name}`, fn: fn as (actor: Actor | null, ...rest: unknown[]) => Promise<unknown> });
    }
  }
  return out;
}

async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "done";
  } catch (error) {
    return isAppError(error) ? error.code : `unexpected ${String(error)}`;
  }
}

describe("every back-office use case", () => {
  it("covers every area of the back office", () => {
    const areas = new Set(adminFunctions().map((f) => f.name.split(".")[0]));
    expect([...areas].sort()).toEqual(["dashboard", "orders", "products", "stock", "users"]);
  });

  it("refuses anonymous visitors and customers, and changes nothing", async () => {
    const fns = adminFunctions();
    const before = await fingerprint(pool);
    const results: Record<string, [string, string]> = {};
    for (const { name, fn } of fns) {
      const anonymous = await outcome(() => fn(null, input));
      const asCustomer = await outcome(() => fn(customer, input));
      results[name] = [anonymous, asCustomer];
    }
    expect(await fingerprint(pool)).toEqual(before);
    const expected = Object.fromEntries(fns.map(({ name }) => [name, ["unauthenticated", "forbidden"]]));
    expect(results).toEqual(expected);
    console.info(`refused ${fns.length} admin use cases twice each: ${fns.map((f) => f.name).join(", ")}`);
  });

  it("lets an admin past the check with the same input", async () => {
    for (const { name, fn } of adminFunctions()) {
      const result = await outcome(() => fn(admin, input));
      expect.soft([name, result]).not.toEqual([name, "forbidden"]);
      expect.soft([name, result]).not.toEqual([name, "unauthenticated"]);
    }
  });
});
