import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertProductWithVariants, sqlPool, variantIdOf } from "../support/fixtures";
import { apiHarness, useApiDatabase, type ApiResponse, type CallOptions } from "../support/api";
import { apiCaller } from "../support/api-fuzz";

// /cart and /cart/items through the real route handlers (every response is
// checked against the OpenAPI document by tests/support/api.ts).
let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
const api = apiHarness();

interface Money {
  amountMinor: number;
  currency: string;
}
interface CartLine {
  itemId: string;
  productId: string;
  variantId: string;
  sku: string;
  slug: string;
  name: string;
  variantTitle: string;
  unitPrice: Money;
  quantity: number;
  lineTotal: Money;
  stock: number;
  available: boolean;
}
interface Cart {
  lines: CartLine[];
  itemCount: number;
  subtotal: Money;
  shipping: Money;
  total: Money;
}
interface Problem {
  code: string;
  errors?: { path: string; message: string }[];
}

let alice: { id: string; token: string };
let bob: { id: string; token: string };
let admin: { id: string; token: string };

const signUp = (role: "customer" | "admin" = "customer") => apiCaller(pool, role, "cart");

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  stop = await useApiDatabase(db.url);
  [alice, bob, admin] = await Promise.all([signUp(), signUp(), signUp("admin")]);
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

/** Every amount of a cart is integer minor units with a currency, and the totals add up. */
function checkCart(cart: Cart) {
  const amounts = [cart.subtotal, cart.shipping, cart.total, ...cart.lines.flatMap((l) => [l.unitPrice, l.lineTotal])];
  for (const m of amounts) {
    expect(Number.isSafeInteger(m.amountMinor)).toBe(true);
    expect(m.currency).toMatch(/^[A-Z]{3}$/);
  }
  for (const l of cart.lines) expect(l.lineTotal.amountMinor).toBe(l.unitPrice.amountMinor * l.quantity);
  expect(cart.subtotal.amountMinor).toBe(cart.lines.reduce((s, l) => s + l.lineTotal.amountMinor, 0));
  expect(cart.total.amountMinor).toBe(cart.subtotal.amountMinor + cart.shipping.amountMinor);
  expect(cart.itemCount).toBe(cart.lines.reduce((n, l) => n + l.quantity, 0));
}

async function cartOf(user: { token: string }): Promise<Cart> {
  const res = await api.call<Cart>("GET", "/cart", { token: user.token });
  expect(res.status).toBe(200);
  checkCart(res.body);
  return res.body;
}

function add(user: { token: string }, body: unknown, key: string = randomUUID(), extra: CallOptions = {}) {
  return api.call<Cart>("POST", "/cart/items", { token: user.token, body, headers: { "idempotency-key": key }, ...extra });
}

async function problem(res: ApiResponse<unknown>, status: number, code: string, path?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = res.body as Problem;
  expect(body.code).toBe(code);
  if (path) expect(body.errors?.map((e) => e.path)).toContain(path);
}

async function clear(user: { token: string }) {
  for (const line of (await cartOf(user)).lines) {
    expect((await api.call("DELETE", `/cart/items/${line.itemId}`, { token: user.token })).status).toBe(200);
  }
}

describe("authorisation", () => {
  it("refuses every cart route to an anonymous caller and to a bad token with 401", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const itemId = randomUUID();
    const calls: [Parameters<typeof api.call>[0], string, CallOptions][] = [
      ["GET", "/cart", {}],
      ["POST", "/cart/items", { body: { productId: product, quantity: 1 }, headers: { "idempotency-key": randomUUID() } }],
      ["PATCH", `/cart/items/${itemId}`, { body: { quantity: 1 } }],
      ["DELETE", `/cart/items/${itemId}`, {}],
    ];
    for (const [method, path, opts] of calls) {
      const anonymous = await api.call(method, path, opts);
      await problem(anonymous, 401, "unauthenticated");
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
      await problem(await api.call(method, path, { ...opts, token: "not.a.token" }), 401, "unauthenticated");
    }
    const { rows } = await pool.query(`SELECT 1 FROM cart_items WHERE product_id = $1`, [product]);
    expect(rows).toHaveLength(0);
  });

  it("keeps each customer's cart to themselves: another's item id is 404 and their cart is untouched", async () => {
    const product = await insertProduct(pool, { stock: 10 });
    const bobs = await add(bob, { productId: product, quantity: 2 });
    expect(bobs.status).toBe(201);
    const bobItem = bobs.body.lines.find((l) => l.productId === product)!.itemId;
    expect((await cartOf(alice)).lines.map((l) => l.productId)).not.toContain(product);
    await problem(await api.call("PATCH", `/cart/items/${bobItem}`, { token: alice.token, body: { quantity: 5 } }), 404, "not_found");
    await problem(await api.call("DELETE", `/cart/items/${bobItem}`, { token: alice.token }), 404, "not_found");
    await problem(await api.call("DELETE", `/cart/items/${bobItem}`, { token: admin.token }), 404, "not_found");
    expect((await cartOf(bob)).lines.find((l) => l.itemId === bobItem)).toMatchObject({ quantity: 2 });
    await clear(bob);
  });

  it("gives an admin a cart of their own, like any customer", async () => {
    const product = await insertProduct(pool, { stock: 3, priceMinor: 700 });
    expect((await add(admin, { productId: product, quantity: 1 })).status).toBe(201);
    expect((await cartOf(admin)).lines.map((l) => [l.productId, l.quantity])).toEqual([[product, 1]]);
    expect((await cartOf(alice)).lines.map((l) => l.productId)).not.toContain(product);
    await clear(admin);
  });
});

describe("GET /cart and POST /cart/items", () => {
  it("starts empty with zero totals", async () => {
    const fresh = await signUp();
    expect(await cartOf(fresh)).toEqual({
      lines: [],
      itemCount: 0,
      subtotal: { amountMinor: 0, currency: "USD" },
      shipping: { amountMinor: 0, currency: "USD" },
      total: { amountMinor: 0, currency: "USD" },
    });
  });

  it("adds lines priced in minor units, adds to an existing line, and ships free from $50.00", async () => {
    const mug = await insertProduct(pool, { stock: 10, priceMinor: 1450, name: "API Mug" });
    const lamp = await insertProduct(pool, { stock: 10, priceMinor: 2999, name: "API Lamp" });
    const first = await add(alice, { productId: mug, quantity: 2 });
    expect(first.status).toBe(201);
    checkCart(first.body);
    const { rows } = await pool.query<{ sku: string; slug: string }>(`SELECT sku, slug FROM products WHERE id = $1`, [mug]);
    expect(first.body).toEqual({
      lines: [
        {
          itemId: expect.any(String),
          productId: mug,
          variantId: await variantIdOf(pool, mug),
          sku: rows[0]!.sku,
          slug: rows[0]!.slug,
          name: "API Mug",
          variantTitle: "",
          unitPrice: { amountMinor: 1450, currency: "USD" },
          quantity: 2,
          lineTotal: { amountMinor: 2900, currency: "USD" },
          stock: 10,
          available: true,
        },
      ],
      itemCount: 2,
      subtotal: { amountMinor: 2900, currency: "USD" },
      shipping: { amountMinor: 495, currency: "USD" },
      total: { amountMinor: 3395, currency: "USD" },
    });
    const again = await add(alice, { productId: mug, quantity: 1 });
    expect(again.body.lines).toEqual([{ ...first.body.lines[0], quantity: 3, lineTotal: { amountMinor: 4350, currency: "USD" } }]);
    const both = await add(alice, { productId: lamp, quantity: 1 });
    expect(both.body.lines.map((l) => [l.productId, l.quantity])).toEqual([
      [mug, 3],
      [lamp, 1],
    ]);
    expect(both.body).toMatchObject({ subtotal: { amountMinor: 7349 }, shipping: { amountMinor: 0 }, total: { amountMinor: 7349 } });
    expect(await cartOf(alice)).toEqual(both.body);
    await clear(alice);
  });

  it("adds a product's variants as lines of their own, one line per variant, and needs the variant when there are several", async () => {
    const { productId, variantIds } = await insertProductWithVariants(pool, {
      name: "API Chair",
      priceMinor: 5000,
      options: { Size: ["S", "M"], Wood: ["Oak", "Walnut"] },
      variants: [
        { values: ["S", "Oak"], stock: 2 },
        { values: ["M", "Walnut"], stock: 9, priceOverrideMinor: 6500 },
      ],
    });
    const small = variantIds.get("S/Oak")!;
    const walnut = variantIds.get("M/Walnut")!;
    await problem(await add(alice, { productId, quantity: 1 }), 422, "validation", "body.variantId");
    await problem(await add(alice, { productId, variantId: randomUUID(), quantity: 1 }), 404, "not_found", "body.variantId");
    const other = await insertProduct(pool, { stock: 5 });
    await problem(await add(alice, { productId: other, variantId: small, quantity: 1 }), 404, "not_found", "body.variantId");
    expect((await cartOf(alice)).lines).toEqual([]);

    // Two tabs add the same variant at once: one line, the quantities added up.
    const tabs = await Promise.all([add(alice, { productId, variantId: small, quantity: 1 }), add(alice, { productId, variantId: small, quantity: 1 })]);
    expect(tabs.map((r) => r.status)).toEqual([201, 201]);
    // Its stock is 2: a third unit is refused, though the product's other variant has plenty.
    await problem(await add(alice, { productId, variantId: small, quantity: 1 }), 409, "insufficient_stock", "body.quantity");
    const both = await add(alice, { productId, variantId: walnut, quantity: 1 });
    expect(both.body.lines.map((l) => [l.productId, l.variantId, l.variantTitle, l.unitPrice.amountMinor, l.quantity, l.stock])).toEqual([
      [productId, small, "Size: S / Wood: Oak", 5000, 2, 2],
      [productId, walnut, "Size: M / Wood: Walnut", 6500, 1, 9],
    ]);
    expect(new Set(both.body.lines.map((l) => l.sku)).size).toBe(2);
    await clear(alice);
  });

  it("refuses more than the stock with 409 insufficient_stock and adds nothing", async () => {
    const product = await insertProduct(pool, { stock: 3 });
    expect((await add(alice, { productId: product, quantity: 2 })).status).toBe(201);
    await problem(await add(alice, { productId: product, quantity: 2 }), 409, "insufficient_stock", "body.quantity");
    const soldOut = await insertProduct(pool, { stock: 0 });
    await problem(await add(alice, { productId: soldOut, quantity: 1 }), 409, "insufficient_stock", "body.quantity");
    expect((await cartOf(alice)).lines.map((l) => [l.productId, l.quantity])).toEqual([[product, 2]]);
    await clear(alice);
  });

  it("answers 404 for an unknown product and 422 for an archived one, naming body.productId", async () => {
    await problem(await add(alice, { productId: randomUUID(), quantity: 1 }), 404, "not_found", "body.productId");
    const archived = await insertProduct(pool, { stock: 5 });
    await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [archived]);
    await problem(await add(alice, { productId: archived, quantity: 1 }), 422, "validation", "body.productId");
    expect((await cartOf(alice)).lines).toEqual([]);
  });

  it.each([
    [{ productId: "x", quantity: 1 }, "body.productId"],
    [{ quantity: 1 }, "body.productId"],
    [{ productId: randomUUID(), quantity: 0 }, "body.quantity"],
    [{ productId: randomUUID(), quantity: 100 }, "body.quantity"],
    [{ productId: randomUUID(), quantity: 1.5 }, "body.quantity"],
    [{ productId: randomUUID(), quantity: "2" }, "body.quantity"],
    [[], "body"],
  ])("refuses the body %j with 422 naming %s", async (body, path) => {
    await problem(await add(alice, body), 422, "validation", path);
  });

  it("refuses malformed JSON (400) and a missing Idempotency-Key (400)", async () => {
    await problem(await api.call("POST", "/cart/items", { token: alice.token, rawBody: "{", headers: { "idempotency-key": randomUUID() } }), 400, "malformed_json");
    const product = await insertProduct(pool, { stock: 5 });
    await problem(await api.call("POST", "/cart/items", { token: alice.token, body: { productId: product, quantity: 1 } }), 400, "idempotency_key_required");
    expect((await cartOf(alice)).lines).toEqual([]);
  });

  it("replays a repeated Idempotency-Key without adding again, and refuses the key with another body", async () => {
    const product = await insertProduct(pool, { stock: 10 });
    const key = randomUUID();
    const first = await add(alice, { productId: product, quantity: 2 }, key);
    const repeat = await add(alice, { productId: product, quantity: 2 }, key);
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get("idempotent-replayed")).toBe("true");
    expect(repeat.body).toEqual(first.body);
    await problem(await add(alice, { productId: product, quantity: 3 }, key), 422, "validation", "headers.idempotency-key");
    expect((await cartOf(alice)).lines.map((l) => l.quantity)).toEqual([2]);
    await clear(alice);
  });

  it("adds once for concurrent requests with one key, and adds every request with distinct keys", async () => {
    const product = await insertProduct(pool, { stock: 50 });
    const key = randomUUID();
    const same = await Promise.all(Array.from({ length: 8 }, () => add(bob, { productId: product, quantity: 3 }, key)));
    expect(same.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(same.filter((r) => r.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);
    expect((await cartOf(bob)).lines.map((l) => l.quantity)).toEqual([3]);
    const distinct = await Promise.all(Array.from({ length: 8 }, () => add(bob, { productId: product, quantity: 2 })));
    expect(distinct.map((r) => r.status)).toEqual(Array(8).fill(201));
    const { rows } = await pool.query<{ quantity: number }>(`SELECT quantity FROM cart_items WHERE product_id = $1`, [product]);
    expect(rows).toEqual([{ quantity: 3 + 8 * 2 }]);
    await clear(bob);
  });

  it("never lets concurrent adds together exceed the stock", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const results = await Promise.all(Array.from({ length: 6 }, () => add(bob, { productId: product, quantity: 2 })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 409)).toHaveLength(4);
    expect((await cartOf(bob)).lines.map((l) => l.quantity)).toEqual([4]);
    await clear(bob);
  });
});

describe("PATCH and DELETE /cart/items/{itemId}", () => {
  it("sets a line's quantity, refuses more than the stock, and removes it", async () => {
    const product = await insertProduct(pool, { stock: 6, priceMinor: 1000 });
    const itemId = (await add(alice, { productId: product, quantity: 1 })).body.lines[0]!.itemId;
    const set = await api.call<Cart>("PATCH", `/cart/items/${itemId}`, { token: alice.token, body: { quantity: 5 } });
    expect(set.status).toBe(200);
    checkCart(set.body);
    expect(set.body.lines).toMatchObject([{ itemId, quantity: 5, lineTotal: { amountMinor: 5000, currency: "USD" } }]);
    expect(set.body.shipping.amountMinor).toBe(0);
    await problem(await api.call("PATCH", `/cart/items/${itemId}`, { token: alice.token, body: { quantity: 7 } }), 409, "insufficient_stock", "body.quantity");
    expect((await cartOf(alice)).lines[0]!.quantity).toBe(5);

    const removed = await api.call<Cart>("DELETE", `/cart/items/${itemId}`, { token: alice.token });
    expect(removed.status).toBe(200);
    expect(removed.body.lines).toEqual([]);
    await problem(await api.call("DELETE", `/cart/items/${itemId}`, { token: alice.token }), 404, "not_found");
    await problem(await api.call("PATCH", `/cart/items/${itemId}`, { token: alice.token, body: { quantity: 1 } }), 404, "not_found");
  });

  it("refuses to change a line whose product is no longer sold, but lets it be removed", async () => {
    const product = await insertProduct(pool, { stock: 6 });
    const itemId = (await add(alice, { productId: product, quantity: 1 })).body.lines[0]!.itemId;
    await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [product]);
    expect((await cartOf(alice)).lines).toMatchObject([{ itemId, available: false }]);
    await problem(await api.call("PATCH", `/cart/items/${itemId}`, { token: alice.token, body: { quantity: 2 } }), 422, "validation", "params.itemId");
    expect((await api.call("DELETE", `/cart/items/${itemId}`, { token: alice.token })).status).toBe(200);
    expect((await cartOf(alice)).lines).toEqual([]);
  });

  it.each([
    ["PATCH", "/cart/items/not-a-uuid", { quantity: 1 }, "params.itemId"],
    ["DELETE", "/cart/items/not-a-uuid", undefined, "params.itemId"],
    ["PATCH", `/cart/items/${randomUUID()}`, { quantity: 0 }, "body.quantity"],
    ["PATCH", `/cart/items/${randomUUID()}`, { quantity: 100 }, "body.quantity"],
    ["PATCH", `/cart/items/${randomUUID()}`, {}, "body.quantity"],
  ] as const)("%s %s with %j is 422 naming %s", async (method, path, body, field) => {
    await problem(await api.call(method, path, { token: alice.token, body }), 422, "validation", field);
  });

  it("answers 404 for an item id that is in nobody's cart", async () => {
    await problem(await api.call("PATCH", `/cart/items/${randomUUID()}`, { token: alice.token, body: { quantity: 1 } }), 404, "not_found");
    await problem(await api.call("DELETE", `/cart/items/${randomUUID()}`, { token: alice.token }), 404, "not_found");
  });

  it("refuses malformed JSON with 400", async () => {
    await problem(await api.call("PATCH", `/cart/items/${randomUUID()}`, { token: alice.token, rawBody: "{quantity: 1}" }), 400, "malformed_json");
  });
});
