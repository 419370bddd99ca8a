import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertSimpleProduct, insertUser, sqlPool } from "../support/fixtures";
import { insertCategory } from "../support/admin-products-fixtures";
import { insertOrderInStatus } from "../support/admin-orders-fixtures";
import { apiHarness, useApiDatabase } from "../support/api";
import { apiCaller, fingerprint, type ApiCaller } from "../support/api-fuzz";
import type { OrderStatus } from "@/lib/domain/order";

/**
 * The admin API's reads (issue 16, point 5): a program reads a product, an
 * order or a stock ledger, takes the `version` it answers and writes with it.
 * Every response goes through the harness's check against the OpenAPI document.
 */

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type Summary = { id: string; sku: string; name: string; stock: number; lowStockThreshold: number; version: number; archivedAt: string | null };
type ProductPage = { items: Summary[]; page: number; pageSize: number; total: number; pageCount: number };
type Image = { id: string; url: string; alt: string; position: number; width: number; height: number; contentType: string; byteSize: number };
type ProductDetail = Summary & { description: string; categoryIds: string[]; images: Image[] };
type Order = { id: string; status: OrderStatus; version: number; trackingReference: string | null; lines: { productId: string; quantity: number }[] };
type OrderPage = { items: { id: string; status: OrderStatus; version: number }[]; next: string | null };
type Ledger = {
  variant: { id: string; productId: string; variantTitle: string; stock: number; lowStockThreshold: number; archived: boolean };
  items: { id: string; reason: string; delta: number; stockAfter: number; actorEmail: string | null; note: string | null; orderId: string | null }[];
  page: number;
  pageSize: number;
  total: number;
  pageCount: number;
};

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
let admin: ApiCaller;
let customer: ApiCaller;
const api = apiHarness();
const key = () => ({ "idempotency-key": randomUUID() });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  stop = await useApiDatabase(db.url);
  admin = await apiCaller(pool, "admin");
  customer = await apiCaller(pool, "customer");
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

/** Anonymous → 401, customer → 403, a tampered token → 401; nothing changes. */
async function expectRefusedToNonAdmins(path: string, query: Record<string, string> = {}) {
  const before = await fingerprint(pool);
  const anonymous = await api.call<Problem>("GET", path, { query });
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.code).toBe("unauthenticated");
  const asCustomer = await api.call<Problem>("GET", path, { query, token: customer.token });
  expect(asCustomer.status).toBe(403);
  expect(asCustomer.body.code).toBe("forbidden");
  expect(asCustomer.headers.get("content-type")).toContain("application/problem+json");
  const badToken = await api.call<Problem>("GET", path, { query, token: `${admin.token}x` });
  expect(badToken.status).toBe(401);
  expect(await fingerprint(pool)).toEqual(before);
}

/** A refused admin read: its status and the field paths it names. */
async function expectRejected(status: number, path: string, query: Record<string, string> = {}, paths: string[] = []) {
  const res = await api.call<Problem>("GET", path, { token: admin.token, query });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  for (const p of paths) expect(res.body.errors?.map((e) => e.path)).toContain(p);
  return res.body;
}

/** A product in `category` with this stock and threshold (archived when asked), by SQL. */
async function product(category: string, init: { name: string; stock: number; threshold?: number; archived?: boolean }): Promise<string> {
  const id = await insertProduct(pool, { stock: init.stock, name: init.name });
  await pool.query(`INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)`, [id, category]);
  await pool.query(`UPDATE product_variants SET low_stock_threshold = $2 WHERE product_id = $1`, [id, init.threshold ?? 5]);
  await pool.query(`UPDATE products SET archived_at = CASE WHEN $2 THEN now() END WHERE id = $1`, [id, init.archived ?? false]);
  return id;
}

describe("GET /admin/products", () => {
  let category: string;
  let tag: string;
  const ids: Record<"alpha" | "beta" | "gamma" | "delta", string> = { alpha: "", beta: "", gamma: "", delta: "" };

  beforeAll(async () => {
    category = await insertCategory(pool);
    tag = randomUUID().slice(0, 8);
    ids.alpha = await product(category, { name: `${tag} Alpha`, stock: 50 });
    ids.beta = await product(category, { name: `${tag} Beta`, stock: 3 });
    ids.gamma = await product(category, { name: `${tag} Gamma`, stock: 0 });
    ids.delta = await product(category, { name: `${tag} Delta`, stock: 10, archived: true });
  });

  const list = async (query: Record<string, string>) => {
    const res = await api.call<ProductPage>("GET", "/admin/products", { token: admin.token, query });
    expect(res.status).toBe(200);
    return res.body;
  };

  it("is refused to anonymous callers and customers", async () => {
    await expectRefusedToNonAdmins("/admin/products");
  });

  it("lists active products by name with their versions, total and page count", async () => {
    const page = await list({ category });
    expect(page.items.map((p) => p.id)).toEqual([ids.alpha, ids.beta, ids.gamma]);
    expect(page).toMatchObject({ page: 1, pageSize: 20, total: 3, pageCount: 1 });
    expect(page.items.every((p) => p.version === 0 && p.archivedAt === null)).toBe(true);
    expect(page.items[0]).toMatchObject({ name: `${tag} Alpha`, stock: 50, lowStockThreshold: 5 });
  });

  it("filters by status, stock level and text (name or SKU, case-insensitive)", async () => {
    expect((await list({ category, status: "archived" })).items.map((p) => p.id)).toEqual([ids.delta]);
    expect((await list({ category, status: "all" })).total).toBe(4);
    expect((await list({ category, stock: "in" })).items.map((p) => p.id)).toEqual([ids.alpha]);
    expect((await list({ category, stock: "low" })).items.map((p) => p.id)).toEqual([ids.beta]);
    expect((await list({ category, stock: "out" })).items.map((p) => p.id)).toEqual([ids.gamma]);
    expect((await list({ q: `${tag} GAMMA` })).items.map((p) => p.id)).toEqual([ids.gamma]);
    const { rows } = await pool.query<{ sku: string }>(`SELECT sku FROM products WHERE id = $1`, [ids.beta]);
    expect((await list({ q: rows[0]!.sku.toLowerCase() })).items.map((p) => p.id)).toEqual([ids.beta]);
    // LIKE's wildcards match themselves.
    expect((await list({ q: `${tag}%` })).total).toBe(0);
    const nothing = await list({ category, q: "no such product anywhere" });
    expect(nothing).toEqual({ items: [], page: 1, pageSize: 20, total: 0, pageCount: 1 });
  });

  it("pages with page and pageSize", async () => {
    const first = await list({ category, status: "all", pageSize: "3" });
    const second = await list({ category, status: "all", pageSize: "3", page: "2" });
    expect(first).toMatchObject({ page: 1, pageSize: 3, total: 4, pageCount: 2 });
    expect(second).toMatchObject({ page: 2, pageSize: 3, total: 4, pageCount: 2 });
    expect([...first.items, ...second.items].map((p) => p.id)).toEqual([ids.alpha, ids.beta, ids.delta, ids.gamma]);
    expect((await list({ category, page: "3", pageSize: "3" })).items).toEqual([]);
  });

  it("refuses bad filters and paging by field", async () => {
    await expectRejected(422, "/admin/products", { pageSize: "101" }, ["query.pageSize"]);
    await expectRejected(422, "/admin/products", { page: "0" }, ["query.page"]);
    await expectRejected(422, "/admin/products", { page: "10001" }, ["query.page"]);
    await expectRejected(422, "/admin/products", { status: "deleted" }, ["query.status"]);
    await expectRejected(422, "/admin/products", { stock: "some" }, ["query.stock"]);
    await expectRejected(422, "/admin/products", { category: "mugs" }, ["query.category"]);
    await expectRejected(422, "/admin/products", { q: "x".repeat(101) }, ["query.q"]);
    await expectRejected(422, "/admin/products", { sort: "name" }, ["query"]);
  });

  it("gives the version a PATCH needs: the one read is accepted once, then it is stale", async () => {
    const [read] = (await list({ category, q: `${tag} Alpha` })).items;
    const edited = await api.call<ProductDetail>("PATCH", `/admin/products/${read!.id}`, { token: admin.token, body: { version: read!.version, name: `${tag} Alpha renamed` } });
    expect(edited.status).toBe(200);
    const [after] = (await list({ category, q: `${tag} Alpha` })).items;
    expect(after).toMatchObject({ id: read!.id, name: `${tag} Alpha renamed`, version: read!.version + 1 });
  });
});

describe("GET /admin/products/{id}", () => {
  let category: string;

  beforeAll(async () => {
    category = await insertCategory(pool);
  });

  it("is refused to anonymous callers and customers", async () => {
    await expectRefusedToNonAdmins(`/admin/products/${await product(category, { name: "Guarded", stock: 1 })}`);
  });

  it("answers the product with its images in position order", async () => {
    const id = await product(category, { name: `Pictured ${randomUUID().slice(0, 8)}`, stock: 4, threshold: 2 });
    const images = [randomUUID(), randomUUID()];
    await pool.query(
      `INSERT INTO product_images (id, product_id, storage_key, content_type, byte_size, width, height, alt, position)
       VALUES ($1, $3, $4, 'image/png', 2048, 640, 480, 'Side', 1), ($2, $3, $5, 'image/webp', 1024, 800, 600, 'Front', 0)`,
      [images[0], images[1], id, `products/${images[0]}.png`, `products/${images[1]}.webp`],
    );
    const res = await api.call<ProductDetail>("GET", `/admin/products/${id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, stock: 4, lowStockThreshold: 2, version: 0, categoryIds: [category], archivedAt: null });
    expect(res.body.images).toEqual([
      { id: images[1], url: `/media/products/${images[1]}.webp`, alt: "Front", position: 0, width: 800, height: 600, contentType: "image/webp", byteSize: 1024 },
      { id: images[0], url: `/media/products/${images[0]}.png`, alt: "Side", position: 1, width: 640, height: 480, contentType: "image/png", byteSize: 2048 },
    ]);
  });

  it("reads an archived product too", async () => {
    const id = await product(category, { name: "Retired", stock: 0, archived: true });
    const res = await api.call<ProductDetail>("GET", `/admin/products/${id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.archivedAt).not.toBeNull();
    expect(res.body.images).toEqual([]);
  });

  it("read → PATCH with the version read → 200; the same version again → 409, nothing written", async () => {
    const id = await product(category, { name: `Editable ${randomUUID().slice(0, 8)}`, stock: 1 });
    const read = await api.call<ProductDetail>("GET", `/admin/products/${id}`, { token: admin.token });
    const edited = await api.call<ProductDetail>("PATCH", `/admin/products/${id}`, { token: admin.token, body: { version: read.body.version, name: "First edit" } });
    expect(edited.status).toBe(200);
    const reread = await api.call<ProductDetail>("GET", `/admin/products/${id}`, { token: admin.token });
    expect(reread.body).toMatchObject({ name: "First edit", version: read.body.version + 1 });

    const before = await fingerprint(pool);
    const stale = await api.call<Problem>("PATCH", `/admin/products/${id}`, { token: admin.token, body: { version: read.body.version, name: "Second edit" } });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe("conflict");
    expect(await fingerprint(pool)).toEqual(before);

    const again = await api.call<ProductDetail>("PATCH", `/admin/products/${id}`, { token: admin.token, body: { version: reread.body.version, name: "Second edit" } });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(read.body.version + 2);
  });

  it("answers 404 for an unknown product and 422 for a malformed id", async () => {
    expect((await expectRejected(404, `/admin/products/${randomUUID()}`)).code).toBe("not_found");
    await expectRejected(422, "/admin/products/not-a-uuid", {}, ["params.id"]);
  });
});

describe("GET /admin/orders/{id} and the list's versions", () => {
  let shopper: { id: string; email: string };
  let productId: string;

  beforeAll(async () => {
    shopper = await insertUser(pool, `reads-${randomUUID().slice(0, 8)}@example.com`);
    productId = await insertProduct(pool, { stock: 0 });
  });

  it("is refused to anonymous callers and customers, the order's owner too", async () => {
    const id = await insertOrderInStatus(pool, { userId: customer.id, productId, status: "paid" });
    await expectRefusedToNonAdmins(`/admin/orders/${id}`);
  });

  it("answers 404 for an unknown order and 422 for a malformed id", async () => {
    const problem = await expectRejected(404, `/admin/orders/${randomUUID()}`);
    expect(problem.code).toBe("not_found");
    await expectRejected(422, "/admin/orders/12345", {}, ["params.id"]);
  });

  it("read → ship with the version read → 200; the old version → 409; the list and the detail show the new version", async () => {
    const id = await insertOrderInStatus(pool, { userId: shopper.id, productId, status: "paid", version: 4 });
    const read = await api.call<Order>("GET", `/admin/orders/${id}`, { token: admin.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, status: "paid", version: 4, trackingReference: null });
    expect(read.body.lines.map((l) => l.productId)).toEqual([productId]);
    const listed = await api.call<OrderPage>("GET", "/admin/orders", { token: admin.token, query: { email: shopper.email } });
    expect(listed.body.items.find((o) => o.id === id)).toMatchObject({ status: "paid", version: 4 });

    const shipped = await api.call<Order>("POST", `/admin/orders/${id}/ship`, { token: admin.token, body: { expectedVersion: read.body.version, trackingReference: "1Z READS" } });
    expect(shipped.status).toBe(200);
    const reread = await api.call<Order>("GET", `/admin/orders/${id}`, { token: admin.token });
    // The detail is the transitions' own shape: what ship answered is what a read gives, updatedAt included
    // (the row stores the transition's own time).
    expect(reread.body).toEqual(shipped.body);
    expect(reread.body).toMatchObject({ status: "shipped", version: 5, trackingReference: "1Z READS" });

    const before = await fingerprint(pool);
    const stale = await api.call<Problem>("POST", `/admin/orders/${id}/complete`, { token: admin.token, body: { expectedVersion: read.body.version } });
    expect(stale.status).toBe(409);
    expect(await fingerprint(pool)).toEqual(before);

    const relisted = await api.call<OrderPage>("GET", "/admin/orders", { token: admin.token, query: { email: shopper.email } });
    expect(relisted.body.items.find((o) => o.id === id)).toMatchObject({ status: "shipped", version: 5 });
    const completed = await api.call<Order>("POST", `/admin/orders/${id}/complete`, { token: admin.token, body: { expectedVersion: relisted.body.items.find((o) => o.id === id)!.version } });
    expect(completed.status).toBe(200);
  });
});

describe("GET /admin/inventory/{variantId}", () => {
  it("is refused to anonymous callers and customers", async () => {
    await expectRefusedToNonAdmins(`/admin/inventory/${(await insertSimpleProduct(pool, { stock: 2 })).variantId}`);
  });

  it("answers the stock, the threshold and the ledger newest first, an adjustment included", async () => {
    const { productId, variantId: id } = await insertSimpleProduct(pool, { stock: 3, lowStockThreshold: 4 });
    const booked = await api.call("POST", `/admin/inventory/${id}/adjustments`, { token: admin.token, body: { delta: 5, reason: "restock", note: "Delivery 7" }, headers: key() });
    expect(booked.status).toBe(201);
    const res = await api.call<Ledger>("GET", `/admin/inventory/${id}`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.variant).toMatchObject({ id, productId, variantTitle: "", stock: 8, lowStockThreshold: 4, archived: false });
    expect(res.body.items).toMatchObject([
      { reason: "restock", delta: 5, stockAfter: 8, actorEmail: admin.email, note: "Delivery 7", orderId: null },
      { reason: "opening", delta: 3, stockAfter: 3, actorEmail: null },
    ]);
    expect(res.body).toMatchObject({ page: 1, pageSize: 20, total: 2, pageCount: 1 });
  });

  it("pages the ledger, 20 rows a page", async () => {
    const { variantId: id } = await insertSimpleProduct(pool, { stock: 1 });
    for (let i = 1; i <= 21; i++) {
      const r = await api.call("POST", `/admin/inventory/${id}/adjustments`, { token: admin.token, body: { delta: 1, reason: "restock", note: `#${i}` }, headers: key() });
      expect(r.status).toBe(201);
    }
    const first = await api.call<Ledger>("GET", `/admin/inventory/${id}`, { token: admin.token });
    const second = await api.call<Ledger>("GET", `/admin/inventory/${id}`, { token: admin.token, query: { page: "2" } });
    expect(first.body).toMatchObject({ page: 1, total: 22, pageCount: 2 });
    expect(first.body.items).toHaveLength(20);
    expect(first.body.items[0]).toMatchObject({ note: "#21", stockAfter: 22 });
    expect(second.body.items.map((e) => e.note)).toEqual(["#1", "Test fixture"]);
    // Newest first: the ids (the ledger's order) fall from the first row of page 1 to the last of page 2.
    const order = [...first.body.items, ...second.body.items].map((e) => BigInt(e.id));
    expect(order).toEqual([...order].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
  });

  it("answers 404 for an unknown variant (a product's id too), 422 for a malformed id or page", async () => {
    expect((await expectRejected(404, `/admin/inventory/${randomUUID()}`)).code).toBe("not_found");
    await expectRejected(422, "/admin/inventory/not-a-uuid", {}, ["params.variantId"]);
    const { productId, variantId: id } = await insertSimpleProduct(pool, { stock: 0 });
    expect((await expectRejected(404, `/admin/inventory/${productId}`)).code).toBe("not_found");
    await expectRejected(422, `/admin/inventory/${id}`, { page: "0" }, ["query.page"]);
    await expectRejected(422, `/admin/inventory/${id}`, { page: "two" }, ["query.page"]);
    await expectRejected(422, `/admin/inventory/${id}`, { pageSize: "5" }, ["query"]);
  });
});
