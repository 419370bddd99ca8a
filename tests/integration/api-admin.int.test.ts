import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertSimpleProduct, insertUser, sqlPool } from "../support/fixtures";
import { insertCategory, pngBytes } from "../support/admin-products-fixtures";
import { insertOrderInStatus, outboxEvents } from "../support/admin-orders-fixtures";
import { apiHarness, useApiDatabase } from "../support/api";
import { apiCaller, fingerprint, type ApiCaller } from "../support/api-fuzz";
import type { OrderStatus } from "@/lib/domain/order";

/**
 * The admin routes of /api/v1 over a real database, through the real route
 * handlers (every response is checked against the OpenAPI document by the
 * harness): each route's success, its documented errors, and its
 * authorisation (anonymous 401, customer 403, admin ok) with nothing changed
 * in the database by a refusal.
 */

type Problem = { code: string; detail: string; errors?: { path: string; message: string }[] };
type Product = {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  price: { amountMinor: number; currency: string };
  stock: number;
  lowStockThreshold: number;
  categoryIds: string[];
  version: number;
  archivedAt: string | null;
};
type Order = {
  id: string;
  status: OrderStatus;
  version: number;
  trackingReference: string | null;
  refundDue: boolean;
  cancellationReason: string | null;
  payment: { chargedMinor: number; refundedMinor: number; refundingMinor: number; voidingMinor: number; cardLast4: string | null; refunds: { amountMinor: number; state: string; reason: string }[] };
};
type OrderPage = { items: { id: string; status: OrderStatus; customerEmail: string; createdAt: string }[]; next: string | null };

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
let admin: ApiCaller;
let customer: ApiCaller;
let categoryA: string;
let categoryB: string;
let mediaDir: string;
const api = apiHarness();
const key = () => ({ "idempotency-key": randomUUID() });

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  mediaDir = await mkdtemp(path.join(tmpdir(), "api-admin-media-"));
  stop = await useApiDatabase(db.url, { MEDIA_DIR: mediaDir });
  admin = await apiCaller(pool, "admin");
  customer = await apiCaller(pool, "customer");
  categoryA = await insertCategory(pool);
  categoryB = await insertCategory(pool);
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

type Method = "GET" | "POST" | "PATCH";

/** Anonymous → 401, customer → 403, with a request an admin's call would act on; nothing changes. */
async function expectRefusedToNonAdmins(method: Method, path: string, opts: { body?: unknown; query?: Record<string, string>; form?: FormData } = {}) {
  const before = await fingerprint(pool);
  const anonymous = await api.call<Problem>(method, path, { ...opts, headers: key() });
  expect(anonymous.status).toBe(401);
  expect(anonymous.body.code).toBe("unauthenticated");
  expect(anonymous.headers.get("content-type")).toContain("application/problem+json");
  const asCustomer = await api.call<Problem>(method, path, { ...opts, token: customer.token, headers: key() });
  expect(asCustomer.status).toBe(403);
  expect(asCustomer.body.code).toBe("forbidden");
  const badToken = await api.call<Problem>(method, path, { ...opts, token: `${admin.token}x`, headers: key() });
  expect(badToken.status).toBe(401);
  expect(await fingerprint(pool)).toEqual(before);
}

/** A refused admin request: its status, the field paths named, and nothing changed. */
async function expectRejected(
  status: number,
  method: Method,
  path: string,
  opts: { body?: unknown; query?: Record<string, string>; headers?: Record<string, string>; rawBody?: string; form?: FormData },
  paths: string[] = [],
) {
  const before = await fingerprint(pool);
  const res = await api.call<Problem>(method, path, { token: admin.token, ...opts });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  for (const p of paths) expect(res.body.errors?.map((e) => e.path)).toContain(p);
  expect(await fingerprint(pool)).toEqual(before);
  return res.body;
}

function newProductBody(over: Record<string, unknown> = {}) {
  const tag = randomUUID().slice(0, 8);
  return { name: `Api Mug ${tag}`, sku: `api-${tag}`, price: { amountMinor: 1299, currency: "USD" }, categoryIds: [categoryA], ...over };
}

async function createProduct(over: Record<string, unknown> = {}): Promise<Product> {
  const res = await api.call<Product>("POST", "/admin/products", { token: admin.token, body: newProductBody(over), headers: key() });
  expect(res.status).toBe(201);
  return res.body;
}

describe("POST /admin/products", () => {
  it("is refused to anonymous callers and customers", async () => {
    await expectRefusedToNonAdmins("POST", "/admin/products", { body: newProductBody() });
  });

  it("creates a product priced in minor units, with its opening stock in the ledger", async () => {
    const body = newProductBody({ price: { amountMinor: 1205, currency: "USD" }, initialStock: 7, description: "Stoneware", lowStockThreshold: 2, categoryIds: [categoryA, categoryB] });
    const res = await api.call<Product>("POST", "/admin/products", { token: admin.token, body, headers: key() });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      sku: (body.sku as string).toUpperCase(),
      slug: (body.name as string).toLowerCase().replace(/ /g, "-"),
      price: { amountMinor: 1205, currency: "USD" },
      stock: 7,
      lowStockThreshold: 2,
      description: "Stoneware",
      version: 0,
      archivedAt: null,
    });
    expect(res.body.categoryIds.sort()).toEqual([categoryA, categoryB].sort());
    const { rows } = await pool.query(
      `SELECT p.price_minor, v.stock, v.sku = p.sku AS same_sku FROM products p JOIN product_variants v ON v.product_id = p.id WHERE p.id = $1`,
      [res.body.id],
    );
    expect(rows).toEqual([{ price_minor: 1205, stock: 7, same_sku: true }]);
    const ledger = await pool.query(`SELECT reason, delta, stock_after FROM stock_movements WHERE product_id = $1`, [res.body.id]);
    expect(ledger.rows).toEqual([{ reason: "opening", delta: 7, stock_after: 7 }]);
  });

  it("replays a retried request with the same Idempotency-Key instead of creating twice", async () => {
    const body = newProductBody();
    const headers = key();
    const first = await api.call<Product>("POST", "/admin/products", { token: admin.token, body, headers });
    const again = await api.call<Product>("POST", "/admin/products", { token: admin.token, body, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM products WHERE sku = $1`, [(body.sku as string).toUpperCase()]);
    expect(rows[0].n).toBe(1);
  });

  it("needs an Idempotency-Key", async () => {
    const problem = await expectRejected(400, "POST", "/admin/products", { body: newProductBody() });
    expect(problem.code).toBe("idempotency_key_required");
  });

  it("refuses a taken SKU or slug, an unknown category and a non-integer price by field, writing nothing", async () => {
    const existing = await createProduct();
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ sku: existing.sku.toLowerCase() }), headers: key() }, ["body.sku"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ slug: existing.slug }), headers: key() }, ["body.slug"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ categoryIds: [randomUUID()] }), headers: key() }, ["body.categoryIds"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ price: { amountMinor: 12.5, currency: "USD" } }), headers: key() }, ["body.price.amountMinor"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ price: "12.50" }), headers: key() }, ["body.price"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ price: { amountMinor: 2 ** 53, currency: "USD" } }), headers: key() }, ["body.price.amountMinor"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ name: "   " }), headers: key() }, ["body.name"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ sku: "no spaces allowed" }), headers: key() }, ["body.sku"]);
    await expectRejected(422, "POST", "/admin/products", { body: { ...newProductBody(), stock: 5 }, headers: key() }, ["body"]);
    await expectRejected(400, "POST", "/admin/products", { rawBody: '{"name":', headers: key() });
  });

  it("refuses NUL characters and lone surrogates in text (PostgreSQL cannot store them) by field", async () => {
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ name: "Mug\u0000" }), headers: key() }, ["body.name"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ description: "a\u0000b" }), headers: key() }, ["body.description"]);
    await expectRejected(422, "POST", "/admin/products", { body: newProductBody({ name: "Mug \ud800" }), headers: key() }, ["body.name"]);
    const { variantId: id } = await insertSimpleProduct(pool, { stock: 1 });
    await expectRejected(422, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 1, reason: "restock", note: "\u0000" }, headers: key() }, ["body.note"]);
  });
});

describe("PATCH /admin/products/{id}", () => {
  it("is refused to anonymous callers and customers", async () => {
    const p = await createProduct();
    await expectRefusedToNonAdmins("PATCH", `/admin/products/${p.id}`, { body: { version: p.version, name: "Taken over" } });
  });

  it("changes only the fields sent and bumps the version", async () => {
    const p = await createProduct({ initialStock: 3 });
    const res = await api.call<Product>("PATCH", `/admin/products/${p.id}`, { token: admin.token, body: { version: p.version, name: "Renamed Mug", price: { amountMinor: 999, currency: "USD" } } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: "Renamed Mug", price: { amountMinor: 999, currency: "USD" }, sku: p.sku, slug: p.slug, stock: 3, version: p.version + 1 });
    expect(res.body.categoryIds).toEqual(p.categoryIds);
    const { rows } = await pool.query(`SELECT name, price_minor, slug FROM products WHERE id = $1`, [p.id]);
    expect(rows[0]).toEqual({ name: "Renamed Mug", price_minor: 999, slug: p.slug });
  });

  it("refuses a change based on a stale version with 409 and writes nothing", async () => {
    const p = await createProduct();
    const first = await api.call<Product>("PATCH", `/admin/products/${p.id}`, { token: admin.token, body: { version: p.version, name: "First edit" } });
    expect(first.status).toBe(200);
    const problem = await expectRejected(409, "PATCH", `/admin/products/${p.id}`, { body: { version: p.version, name: "Second edit" } });
    expect(problem.code).toBe("conflict");
    const { rows } = await pool.query(`SELECT name FROM products WHERE id = $1`, [p.id]);
    expect(rows[0].name).toBe("First edit");
  });

  it("of two concurrent edits of the same version, exactly one wins", async () => {
    const p = await createProduct();
    const results = await Promise.all(
      ["Edit A", "Edit B", "Edit C"].map((name) => api.call<Product>("PATCH", `/admin/products/${p.id}`, { token: admin.token, body: { version: p.version, name } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const winner = results.find((r) => r.status === 200)!.body;
    const { rows } = await pool.query(`SELECT name, version FROM products WHERE id = $1`, [p.id]);
    expect(rows[0]).toEqual({ name: winner.name, version: p.version + 1 });
  });

  it("answers 404 for an unknown product, 422 for a malformed id, a missing version or a taken slug", async () => {
    const p = await createProduct();
    const other = await createProduct();
    await expectRejected(404, "PATCH", `/admin/products/${randomUUID()}`, { body: { version: 0, name: "Ghost" } });
    await expectRejected(422, "PATCH", `/admin/products/not-a-uuid`, { body: { version: 0 } }, ["params.id"]);
    await expectRejected(422, "PATCH", `/admin/products/${p.id}`, { body: { name: "No version" } }, ["body.version"]);
    await expectRejected(422, "PATCH", `/admin/products/${p.id}`, { body: { version: p.version, slug: other.slug } }, ["body.slug"]);
    await expectRejected(422, "PATCH", `/admin/products/${p.id}`, { body: { version: p.version, price: { amountMinor: 0, currency: "USD" } } }, ["body.price.amountMinor"]);
  });
});

describe("POST /admin/products/{id}/archive", () => {
  it("is refused to anonymous callers and customers", async () => {
    const p = await createProduct();
    await expectRefusedToNonAdmins("POST", `/admin/products/${p.id}/archive`);
  });

  it("archives (and repeating it changes nothing); unknown products are 404", async () => {
    const p = await createProduct();
    const res = await api.call<Product>("POST", `/admin/products/${p.id}/archive`, { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.archivedAt).not.toBeNull();
    const { rows } = await pool.query(`SELECT archived_at FROM products WHERE id = $1`, [p.id]);
    expect(rows[0].archived_at).not.toBeNull();
    const again = await api.call<Product>("POST", `/admin/products/${p.id}/archive`, { token: admin.token });
    expect(again.status).toBe(200);
    expect(again.body.archivedAt).not.toBeNull();
    await expectRejected(404, "POST", `/admin/products/${randomUUID()}/archive`, {});
  });
});

type Image = { id: string; url: string; contentType: string; byteSize: number; width: number; height: number; alt: string; position: number };

/** A multipart form as a browser sends it: `file` (bytes, or a plain string value) and any other fields. */
function imageForm(fields: { file?: Uint8Array | string; alt?: string } & Record<string, Uint8Array | string | undefined>, name = "photo.png"): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    form.append(key, typeof value === "string" ? value : new File([value as BlobPart], name, { type: "image/png" }));
  }
  return form;
}

describe("POST /admin/products/{id}/images (multipart/form-data)", () => {
  it("is refused to anonymous callers and customers", async () => {
    const p = await createProduct();
    await expectRefusedToNonAdmins("POST", `/admin/products/${p.id}/images`, { form: imageForm({ file: await pngBytes() }) });
  });

  it("stores a real PNG re-encoded and answers 201 with the image; the first is the product's picture", async () => {
    const p = await createProduct();
    const first = await api.call<Image>("POST", `/admin/products/${p.id}/images`, { token: admin.token, form: imageForm({ file: await pngBytes(), alt: "  Front view " }) });
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get("content-type")).toContain("application/json");
    expect(first.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: expect.stringMatching(/^\/media\/products\/[0-9a-f-]{36}\.png$/),
      contentType: "image/png",
      byteSize: expect.any(Number),
      width: 64,
      height: 48,
      alt: "Front view",
      position: 0,
    });
    // The storage key stays inside: the url is where the shop serves it.
    expect(first.body).not.toHaveProperty("storageKey");
    const stored = await readFile(path.join(mediaDir, first.body.url.replace(/^\/media\//, "")));
    expect(stored.byteLength).toBe(first.body.byteSize);
    expect((await sharp(stored).metadata()).format).toBe("png");
    const second = await api.call<Image>("POST", `/admin/products/${p.id}/images`, { token: admin.token, form: imageForm({ file: await pngBytes(32, 32) }) });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ position: 1, alt: "", width: 32, height: 32 });
    const { rows } = await pool.query(`SELECT image_url FROM products WHERE id = $1`, [p.id]);
    expect(rows[0].image_url).toBe(first.body.url);
    const images = await pool.query(`SELECT id FROM product_images WHERE product_id = $1 ORDER BY position`, [p.id]);
    expect(images.rows.map((r: { id: string }) => r.id)).toEqual([first.body.id, second.body.id]);
  });

  it("refuses a file that is not an image, whatever its name, with 422 on body.file; nothing is stored", async () => {
    const p = await createProduct();
    const problem = await expectRejected(422, "POST", `/admin/products/${p.id}/images`, { form: imageForm({ file: new TextEncoder().encode("just some text, renamed photo.png") }) }, ["body.file"]);
    expect(problem.code).toBe("validation");
    expect(problem.errors).toEqual([{ path: "body.file", message: expect.stringMatching(/not an image/) }]);
  });

  it("reports each bad field at its path, as JSON bodies are, writing nothing", async () => {
    const p = await createProduct();
    const url = `/admin/products/${p.id}/images`;
    const png = await pngBytes();
    const messageAt = async (form: FormData, at: string) => (await expectRejected(422, "POST", url, { form }, [at])).errors!.find((e) => e.path === at)!.message;
    expect(await messageAt(imageForm({ alt: "No file" }), "body.file")).toBe("Choose an image file");
    expect(await messageAt(imageForm({ file: new Uint8Array(0) }), "body.file")).toBe("Choose an image file");
    expect(await messageAt(imageForm({ file: "a plain text field" }), "body.file")).toBe("Choose an image file");
    expect(await messageAt(imageForm({ file: png, alt: "x".repeat(201) }), "body.alt")).toBe("At most 200 characters");
    await expectRejected(422, "POST", url, { form: imageForm({ file: png, alt: "a\u0000b" }) }, ["body.alt"]);
    const twice = imageForm({ file: png });
    twice.append("file", new File([png as BlobPart], "again.png", { type: "image/png" }));
    await expectRejected(422, "POST", url, { form: twice }, ["body.file"]);
    await expectRejected(422, "POST", url, { form: imageForm({ file: png, caption: "not a field" }) }, ["body"]);
    await expectRejected(422, "POST", `/admin/products/not-a-uuid/images`, { form: imageForm({ file: png }) }, ["params.id"]);
  });

  it("answers 404 for an unknown product", async () => {
    const problem = await expectRejected(404, "POST", `/admin/products/${randomUUID()}/images`, { form: imageForm({ file: await pngBytes() }) });
    expect(problem.code).toBe("not_found");
  });

  it("answers 415 for a body that is not multipart/form-data, and 400 for one that cannot be read as such", async () => {
    const p = await createProduct();
    const url = `/admin/products/${p.id}/images`;
    const json = await expectRejected(415, "POST", url, { body: { file: "iVBORw0KGgo=", alt: "JSON" } });
    expect(json.code).toBe("unsupported_media_type");
    await expectRejected(415, "POST", url, { rawBody: "file=x", headers: { "content-type": "application/x-www-form-urlencoded" } });
    await expectRejected(415, "POST", url, { form: imageForm({ file: await pngBytes() }), headers: { "content-type": "text/plain" } });
    const broken = await expectRejected(400, "POST", url, { rawBody: "--nope\r\nnot a part", headers: { "content-type": "multipart/form-data; boundary=edge-test" } });
    expect(broken.code).toBe("malformed_multipart");
  });

  it("refuses a body over UPLOAD_BODY_LIMIT_BYTES with 413 problem+json: by its Content-Length before reading, or counted as it streams", async () => {
    const p = await createProduct();
    const url = `/admin/products/${p.id}/images`;
    const declared = await expectRejected(413, "POST", url, { form: imageForm({ file: await pngBytes() }), headers: { "content-length": String(50 * 1024 * 1024) } });
    expect(declared).toMatchObject({ code: "payload_too_large", detail: "The request body is larger than 5.1 MB." });
    // A FormData body has no Content-Length of its own here: handle() counts it and stops at the limit.
    const huge = new Uint8Array(6 * 1024 * 1024);
    const counted = await api.call<Problem>("POST", url, { token: admin.token, form: imageForm({ file: huge }) });
    expect(counted.status).toBe(413);
    expect(counted.headers.get("content-type")).toContain("application/problem+json");
    expect(counted.body.code).toBe("payload_too_large");
  });
});

describe("POST /admin/inventory/{variantId}/adjustments", () => {
  it("is refused to anonymous callers and customers", async () => {
    const { variantId: id } = await insertSimpleProduct(pool, { stock: 3 });
    await expectRefusedToNonAdmins("POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 5, reason: "restock" } });
  });

  it("books the change in the ledger and answers the new stock", async () => {
    const { productId, variantId: id } = await insertSimpleProduct(pool, { stock: 3 });
    const res = await api.call<{ stock: number; delta: number; note: string | null }>("POST", `/admin/inventory/${id}/adjustments`, {
      token: admin.token,
      body: { delta: 5, reason: "restock", note: "  Delivery 42 " },
      headers: key(),
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ variantId: id, delta: 5, reason: "restock", note: "Delivery 42", stock: 8 });
    const { rows } = await pool.query(
      `SELECT product_id, reason, delta, stock_after, note, actor_id FROM stock_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT 1`,
      [id],
    );
    expect(rows[0]).toEqual({ product_id: productId, reason: "restock", delta: 5, stock_after: 8, note: "Delivery 42", actor_id: admin.id });
    // A product's id is not a variant's: the stock is addressed by variant.
    await expectRejected(404, "POST", `/admin/inventory/${productId}/adjustments`, { body: { delta: 1, reason: "restock" }, headers: key() }, ["params.variantId"]);
  });

  it("refuses going below zero by field (422 body.delta) and writes nothing", async () => {
    const { variantId: id } = await insertSimpleProduct(pool, { stock: 2 });
    const problem = await expectRejected(422, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: -3, reason: "damage" }, headers: key() }, ["body.delta"]);
    expect(problem.errors?.[0]?.message).toMatch(/at most 2/);
    await expectRejected(422, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 3, reason: "damage" }, headers: key() }, ["body.delta"]);
    await expectRejected(422, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 1.5, reason: "correction" }, headers: key() }, ["body.delta"]);
    await expectRejected(422, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 1, reason: "sale" }, headers: key() }, ["body.reason"]);
    await expectRejected(404, "POST", `/admin/inventory/${randomUUID()}/adjustments`, { body: { delta: 1, reason: "restock" }, headers: key() });
    await expectRejected(400, "POST", `/admin/inventory/${id}/adjustments`, { body: { delta: 1, reason: "restock" } });
  });

  it("concurrent adjustments are all booked, none lost", async () => {
    const { variantId: id } = await insertSimpleProduct(pool, { stock: 0 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => api.call("POST", `/admin/inventory/${id}/adjustments`, { token: admin.token, body: { delta: 2, reason: "restock" }, headers: key() })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const { rows } = await pool.query(`SELECT stock FROM product_variants WHERE id = $1`, [id]);
    expect(rows[0].stock).toBe(16);
  });
});

describe("GET /admin/orders", () => {
  let shopper: { id: string; email: string };
  let productId: string;
  const created: string[] = [];

  beforeAll(async () => {
    shopper = await insertUser(pool, `listed-${randomUUID().slice(0, 8)}@example.com`);
    productId = await insertProduct(pool, { stock: 0 });
    const base = Date.UTC(2026, 0, 10, 12);
    for (let i = 0; i < 25; i++) {
      const status: OrderStatus = i % 5 === 0 ? "paid" : "pending";
      created.push(await insertOrderInStatus(pool, { userId: shopper.id, productId, status, createdAt: new Date(base + i * 3_600_000) }));
    }
  });

  it("is refused to anonymous callers and customers", async () => {
    await expectRefusedToNonAdmins("GET", "/admin/orders");
  });

  it("pages through every order once, newest first, and new orders do not shift the pages", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: Record<string, string> = { email: shopper.email, limit: "10", ...(cursor ? { cursor } : {}) };
      const res: { status: number; body: OrderPage } = await api.call<OrderPage>("GET", "/admin/orders", { token: admin.token, query });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(10);
      seen.push(...res.body.items.map((o) => o.id));
      cursor = res.body.next;
      pages++;
      // An order placed while paging is newer than every page read so far: it must not appear later nor push another one twice.
      if (pages === 1) await insertOrderInStatus(pool, { userId: shopper.id, productId, status: "pending" });
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });

  it("filters by status, email and days", async () => {
    const paid = await api.call<OrderPage>("GET", "/admin/orders", { token: admin.token, query: { email: shopper.email, status: "paid", limit: "100" } });
    expect(paid.status).toBe(200);
    expect(paid.body.items.map((o) => o.id)).toEqual([created[20], created[15], created[10], created[5], created[0]]);
    const day = await api.call<OrderPage>("GET", "/admin/orders", { token: admin.token, query: { email: shopper.email.slice(0, 12).toUpperCase(), from: "2026-01-11", to: "2026-01-11" } });
    expect(day.status).toBe(200);
    expect(day.body.items.length).toBeGreaterThan(0);
    expect(day.body.items.every((o) => o.createdAt.startsWith("2026-01-11") && o.customerEmail === shopper.email)).toBe(true);
  });

  it("refuses a limit over 100, a broken cursor, an unknown status and reversed days by field", async () => {
    await expectRejected(422, "GET", "/admin/orders", { query: { limit: "101" } }, ["query.limit"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { limit: "0" } }, ["query.limit"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { cursor: "not-a-cursor" } }, ["query.cursor"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { status: "lost" } }, ["query.status"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { from: "2026-02-02", to: "2026-02-01" } }, ["query.to"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { from: "2026-02-30" } }, ["query.from"]);
    await expectRejected(422, "GET", "/admin/orders", { query: { sort: "id" } }, ["query"]);
  });
});

describe("order transitions", () => {
  let shopper: { id: string; email: string };
  let productId: string;
  const order = (status: OrderStatus) => insertOrderInStatus(pool, { userId: shopper.id, productId, status });

  beforeAll(async () => {
    shopper = await insertUser(pool);
    productId = await insertProduct(pool, { stock: 0 });
  });

  it("are refused to anonymous callers and customers", async () => {
    const paid = await order("paid");
    await expectRefusedToNonAdmins("POST", `/admin/orders/${paid}/ship`, { body: { expectedVersion: 0, trackingReference: "1Z999" } });
    await expectRefusedToNonAdmins("POST", `/admin/orders/${paid}/cancel`, { body: { expectedVersion: 0 } });
    const shipped = await order("shipped");
    await expectRefusedToNonAdmins("POST", `/admin/orders/${shipped}/complete`, { body: { expectedVersion: 0 } });
  });

  it("ship → complete, each with the version it read; the shopper's email event is written", async () => {
    const id = await order("paid");
    const shipped = await api.call<Order>("POST", `/admin/orders/${id}/ship`, { token: admin.token, body: { expectedVersion: 0, trackingReference: "1Z 999/AA-1" } });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ id, status: "shipped", version: 1, trackingReference: "1Z 999/AA-1" });
    const events = await outboxEvents(pool, "order.shipped", id);
    expect(events.map((e) => e.payload)).toEqual([{ orderId: id, userId: shopper.id, email: shopper.email, trackingReference: "1Z 999/AA-1" }]);
    const completed = await api.call<Order>("POST", `/admin/orders/${id}/complete`, { token: admin.token, body: { expectedVersion: 1 } });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ status: "completed", version: 2 });
    const { rows } = await pool.query(`SELECT status, version FROM orders WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ status: "completed", version: 2 });
  });

  it("cancel gives a paid order's charge back: the whole charge is being refunded and refundDue holds until it is", async () => {
    const id = await order("paid");
    // The charge that paid it (the fixture writes the order row only).
    await pool.query(
      `INSERT INTO payment_attempts (id, order_id, state, card_last4, amount_minor, reference, applied_at) VALUES (gen_random_uuid(), $1, 'charged', '4242', 1495, 'test-charge', now())`,
      [id],
    );
    const res = await api.call<Order>("POST", `/admin/orders/${id}/cancel`, { token: admin.token, body: { expectedVersion: 0 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "cancelled", refundDue: true, cancellationReason: "admin", version: 1 });
    expect(res.body.payment).toMatchObject({ chargedMinor: 1495, refundedMinor: 0, refundingMinor: 1495, voidingMinor: 0, cardLast4: "4242" });
    expect(res.body.payment.refunds).toEqual([expect.objectContaining({ amountMinor: 1495, currency: "USD", state: "pending", reason: "cancellation" })]);
    // A paid order with no charge on record owes nothing.
    const unpaid = await order("paid");
    const none = await api.call<Order>("POST", `/admin/orders/${unpaid}/cancel`, { token: admin.token, body: { expectedVersion: 0 } });
    expect([none.status, none.body.refundDue, none.body.payment.refunds]).toEqual([200, false, []]);
  });

  it("refuse a stale version or a wrong status with 409, unknown orders with 404, bad input by field; nothing changes", async () => {
    const paid = await order("paid");
    expect((await expectRejected(409, "POST", `/admin/orders/${paid}/ship`, { body: { expectedVersion: 3, trackingReference: "1Z" } })).code).toBe("conflict");
    expect((await expectRejected(409, "POST", `/admin/orders/${paid}/complete`, { body: { expectedVersion: 0 } })).code).toBe("invalid_transition");
    const pending = await order("pending");
    await expectRejected(409, "POST", `/admin/orders/${pending}/ship`, { body: { expectedVersion: 0, trackingReference: "1Z" } });
    const completed = await order("completed");
    await expectRejected(409, "POST", `/admin/orders/${completed}/cancel`, { body: { expectedVersion: 0 } });
    await expectRejected(404, "POST", `/admin/orders/${randomUUID()}/cancel`, { body: { expectedVersion: 0 } });
    await expectRejected(422, "POST", `/admin/orders/${paid}/ship`, { body: { expectedVersion: 0, trackingReference: "<script>" } }, ["body.trackingReference"]);
    await expectRejected(422, "POST", `/admin/orders/${paid}/ship`, { body: { expectedVersion: "0", trackingReference: "1Z" } }, ["body.expectedVersion"]);
    await expectRejected(422, "POST", `/admin/orders/x/cancel`, { body: { expectedVersion: 0 } }, ["params.id"]);
  });

  it("of two admins shipping the same order at once, exactly one wins", async () => {
    const id = await order("paid");
    const results = await Promise.all(
      ["1ZA", "1ZB"].map((t) => api.call<Order>("POST", `/admin/orders/${id}/ship`, { token: admin.token, body: { expectedVersion: 0, trackingReference: t } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await outboxEvents(pool, "order.shipped", id)).toHaveLength(1);
  });
});
