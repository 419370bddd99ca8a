import { randomUUID } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type pg from "pg";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/application/admin/access";
import { IMAGE_MAX_BYTES, STALE_EDIT_MESSAGE } from "@/lib/application/admin/products/model";
import type { Services } from "@/lib/composition/root";
import { isAppError, type AppError } from "@/lib/domain/errors";
import { userCartOwner } from "@/lib/domain/cart";
import { PrismaProductAdminRepository } from "@/lib/infrastructure/db/prisma-product-admin-repository";
import { createPrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { createFromForm, updateFromForm } from "../support/admin-product-form";
import { insertAdmin, insertCategory, jpegWithExif, oversizePng, pngBytes } from "../support/admin-products-fixtures";
import { SHIP_TO as TEST_ADDRESS } from "../support/addresses";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertUser, servicesFor, sqlPool, variantIdOf } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let services: Services;
let mediaDir: string;
let admin: Actor;
let categoryA: string;
let categoryB: string;
let products: typeof import("@/app/api/v1/products/route");
let productBySlug: typeof import("@/app/api/v1/products/[idOrSlug]/route");
let media: typeof import("@/app/media/[...key]/route");
const holder = globalThis as unknown as { __storefrontServices?: Services };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  mediaDir = await mkdtemp(path.join(tmpdir(), "admin-products-media-"));
  services = servicesFor(db.url, { MEDIA_DIR: mediaDir, CATALOG_CACHE_TTL_SECONDS: "600" });
  holder.__storefrontServices = services;
  admin = await insertAdmin(pool);
  categoryA = await insertCategory(pool);
  categoryB = await insertCategory(pool);
  products = await import("@/app/api/v1/products/route");
  productBySlug = await import("@/app/api/v1/products/[idOrSlug]/route");
  media = await import("@/app/media/[...key]/route");
});

afterAll(async () => {
  delete holder.__storefrontServices;
  await services?.close();
  await pool?.end();
  await db?.drop();
  if (mediaDir) await rm(mediaDir, { recursive: true, force: true });
});

const tag = () => randomUUID().slice(0, 8);

function validInput(overrides: Record<string, unknown> = {}) {
  const t = tag();
  return { name: `Oak Lamp ${t}`, sku: `OAK-${t}`, price: "12.50", categoryIds: [categoryA], ...overrides };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

const fieldsOf = (e: AppError) => Object.fromEntries(e.fields.map((f) => [f.path, f.message]));

async function counts() {
  const { rows } = await pool.query<{ products: number; links: number; ledger: number; images: number }>(
    `SELECT (SELECT count(*)::int FROM products) AS products, (SELECT count(*)::int FROM product_categories) AS links,
            (SELECT count(*)::int FROM stock_movements) AS ledger, (SELECT count(*)::int FROM product_images) AS images`,
  );
  return rows[0]!;
}

async function row(id: string) {
  // A product made in the back office is sold in one variant: its stock, threshold and SKU.
  const { rows } = await pool.query(
    `SELECT p.sku, p.slug, p.name, p.price_minor, v.stock, p.image_url, p.archived_at, p.version, v.low_stock_threshold, v.sku AS variant_sku
       FROM products p JOIN product_variants v ON v.product_id = p.id WHERE p.id = $1`,
    [id],
  );
  expect(rows.length).toBeLessThanOrEqual(1);
  if (rows[0]) expect(rows[0].variant_sku).toBe(rows[0].sku);
  const { variant_sku: _sku, ...product } = rows[0] ?? {};
  return rows[0] ? product : undefined;
}

async function callGet(handler: { GET: (r: Request, c: { params: Promise<never> }) => Promise<Response> }, url: string, params: unknown = {}) {
  return handler.GET(new Request(`http://localhost${url}`), { params: Promise.resolve(params as never) });
}

describe("validation by field, nothing written", () => {
  it("refuses a duplicate SKU, a duplicate slug, a zero price and a missing name, each by its field", async () => {
    const existing = validInput();
    await createFromForm(services.admin.products, admin, existing);
    const before = await counts();

    const dupSku = await failure(createFromForm(services.admin.products, admin, validInput({ sku: existing.sku.toLowerCase() })));
    expect(dupSku.code).toBe("validation");
    expect(fieldsOf(dupSku)).toEqual({ sku: "Another product already uses this SKU" });

    const dupSlug = await failure(createFromForm(services.admin.products, admin, validInput({ name: existing.name })));
    expect(fieldsOf(dupSlug)).toEqual({ slug: "Another product already uses this slug" });

    const zero = await failure(createFromForm(services.admin.products, admin, validInput({ price: "0.00" })));
    expect(fieldsOf(zero)).toEqual({ price: "The price must be more than 0" });

    const noName = await failure(createFromForm(services.admin.products, admin, validInput({ name: "   ", slug: "" })));
    expect(fieldsOf(noName)).toMatchObject({ name: "Enter a name" });

    const tooDear = await failure(createFromForm(services.admin.products, admin, validInput({ price: "20000000.01" })));
    expect(fieldsOf(tooDear)).toEqual({ price: "At most 20000000.00" });

    expect(await counts()).toEqual(before);
  });

  it("turns a unique violation that slips past the check (a race) into field errors, not a 500", async () => {
    const first = validInput();
    const { id } = await createFromForm(services.admin.products, admin, first);
    const existing = await row(id);
    const prisma = createPrismaClient(db.url, { poolSize: 1 });
    try {
      const repo = new PrismaProductAdminRepository(prisma);
      const base = { description: "", priceMinor: 100, lowStockThreshold: 1, categoryIds: [categoryA] };
      const sku = await failure(repo.insert({ ...base, id: randomUUID(), variantId: randomUUID(), sku: existing.sku, slug: `other-${tag()}`, name: "x" }));
      expect(sku.code).toBe("validation");
      expect(fieldsOf(sku)).toEqual({ sku: "Another product already uses this SKU" });
      const slug = await failure(repo.insert({ ...base, id: randomUUID(), variantId: randomUUID(), sku: `OTHER-${tag()}`, slug: existing.slug, name: "x" }));
      expect(fieldsOf(slug)).toEqual({ slug: "Another product already uses this slug" });
    } finally {
      await prisma.$disconnect();
    }
  });
  it("lets only one of two concurrent creates with the same SKU and slug through; the other gets field errors", async () => {
    const input = validInput();
    const before = await counts();
    const results = await Promise.allSettled([1, 2, 3].map(() => createFromForm(services.admin.products, admin, { ...input, initialStock: "2" })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
      expect(isAppError(r.reason, "validation"), String(r.reason)).toBe(true);
      expect(Object.keys(fieldsOf(r.reason)).sort()).toEqual(expect.arrayContaining(["sku"]));
    }
    const after = await counts();
    expect([after.products - before.products, after.ledger - before.ledger]).toEqual([1, 1]);
  });
});

describe("create", () => {
  it("writes the product with its categories, a slug made from the name, and the opening ledger row of its stock", async () => {
    const t = tag();
    const { id, slug } = await createFromForm(services.admin.products, admin, {
      name: `Crème Brûlée  Lamp ${t}`,
      sku: `cb-${t}`,
      price: "12.5",
      initialStock: "7",
      lowStockThreshold: "2",
      categoryIds: [categoryA, categoryB],
    });
    expect(slug).toBe(`creme-brulee-lamp-${t}`);
    expect(await row(id)).toMatchObject({ sku: `CB-${t}`.toUpperCase(), slug, price_minor: 1250, stock: 7, low_stock_threshold: 2, archived_at: null, version: 0 });
    const ledger = await pool.query(`SELECT delta, stock_after, reason, actor_id FROM stock_movements WHERE product_id = $1`, [id]);
    expect(ledger.rows).toEqual([{ delta: 7, stock_after: 7, reason: "opening", actor_id: admin.id }]);
    const links = await pool.query(`SELECT category_id FROM product_categories WHERE product_id = $1 ORDER BY category_id`, [id]);
    expect(links.rows.map((r) => r.category_id)).toEqual([categoryA, categoryB].sort());
  });

  it("writes no ledger row without stock", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    expect((await row(id)).stock).toBe(0);
    expect((await pool.query(`SELECT 1 FROM stock_movements WHERE product_id = $1`, [id])).rowCount).toBe(0);
  });
});

describe("archive and restore", () => {
  it("hides an archived product from every shop read and the API, keeps it on orders, refuses it in carts and at checkout; restore brings it back", async () => {
    const input = validInput({ initialStock: "10", categoryIds: [categoryB] });
    const { id, slug } = await createFromForm(services.admin.products, admin, input);
    const orderer = await insertUser(pool);
    const lateShopper = await insertUser(pool);
    const otherShopper = await insertUser(pool);
    await services.cart.addItem(userCartOwner(orderer.id), { productId: id, quantity: 2 });
    const { order } = await services.orders.placeOrder({ userId: orderer.id, email: orderer.email, checkoutKey: randomUUID(), shipTo: TEST_ADDRESS });
    await services.cart.addItem(userCartOwner(lateShopper.id), { productId: id, quantity: 1 });

    const countIn = async () => (await services.catalog.listCategories()).find((c) => c.id === categoryB)!.productCount;
    const visible = async () => {
      const search = await services.catalog.searchProducts({ q: input.name, page: 1 });
      const sitemap = await services.catalog.sitemap();
      const api = await (await callGet(products, `/api/v1/products?q=${encodeURIComponent(input.name)}`)).json();
      const apiOne = await callGet(productBySlug, `/api/v1/products/${slug}`, { idOrSlug: slug });
      const page = await services.catalog.getProduct(slug).then(() => true, (e) => (isAppError(e, "not_found") ? false : Promise.reject(e)));
      return {
        search: search.items.some((p) => p.id === id),
        sitemap: sitemap.products.some((p) => p.slug === slug),
        api: (api.items as { slug: string }[]).some((p) => p.slug === slug),
        apiOne: apiOne.status,
        page,
      };
    };
    expect(await visible()).toEqual({ search: true, sitemap: true, api: true, apiOne: 200, page: true });
    const countBefore = await countIn();

    await services.admin.products.archive(admin, id);
    expect((await row(id)).archived_at).not.toBeNull();
    expect(await visible()).toEqual({ search: false, sitemap: false, api: false, apiOne: 404, page: false });
    expect(await countIn()).toBe(countBefore - 1);

    // The shopper's order still shows its line (a snapshot).
    const shown = await services.orders.getForUser(orderer.id, order.id);
    expect(shown.lines).toEqual([expect.objectContaining({ productId: id, name: input.name, quantity: 2 })]);

    // A cart refuses it with a clear message.
    const add = await failure(services.cart.addItem(userCartOwner(otherShopper.id), { productId: id, quantity: 1 }));
    expect(add.code).toBe("validation");
    expect(add.message).toBe(`${input.name} is no longer sold.`);

    // Checkout refuses a cart that still holds it, and writes nothing.
    const ordersBefore = (await pool.query(`SELECT count(*)::int AS n FROM orders`)).rows[0].n;
    const outboxBefore = (await pool.query(`SELECT count(*)::int AS n FROM outbox_events`)).rows[0].n;
    const refused = await failure(services.orders.placeOrder({ userId: lateShopper.id, email: lateShopper.email, checkoutKey: randomUUID(), shipTo: TEST_ADDRESS }));
    expect(refused.code).toBe("validation");
    expect(refused.message).toContain(`${input.name} is no longer sold`);
    expect((await pool.query(`SELECT count(*)::int AS n FROM orders`)).rows[0].n).toBe(ordersBefore);
    expect((await pool.query(`SELECT count(*)::int AS n FROM outbox_events`)).rows[0].n).toBe(outboxBefore);
    const lateCart = await services.cart.getCart(userCartOwner(lateShopper.id));
    expect(lateCart.cart.lines).toHaveLength(1);
    expect(lateCart.cart.archivedVariantIds).toEqual([await variantIdOf(pool, id)]);

    // The back office still lists it, under "archived".
    const archivedList = await services.admin.products.list(admin, { q: input.sku, status: "archived" });
    expect(archivedList.items.map((p) => p.id)).toEqual([id]);
    expect((await services.admin.products.list(admin, { q: input.sku, status: "active" })).total).toBe(0);

    await services.admin.products.restore(admin, id);
    expect((await row(id)).archived_at).toBeNull();
    expect(await visible()).toEqual({ search: true, sitemap: true, api: true, apiOne: 200, page: true });
    expect(await countIn()).toBe(countBefore);
    const placed = await services.orders.placeOrder({ userId: lateShopper.id, email: lateShopper.email, checkoutKey: randomUUID(), shipTo: TEST_ADDRESS });
    expect(placed.created).toBe(true);
    // Nothing was ever deleted.
    expect((await pool.query(`SELECT 1 FROM products WHERE id = $1`, [id])).rowCount).toBe(1);
  });
});

describe("list", () => {
  it("searches by name or SKU and filters by category, status and stock level, a page at a time", async () => {
    const category = await insertCategory(pool);
    const t = tag();
    const make = async (suffix: string, stock: string, extra: Record<string, unknown> = {}) =>
      (await createFromForm(services.admin.products, admin, { name: `Listed ${suffix} ${t}`, sku: `L-${suffix}-${t}`, price: "1.00", initialStock: stock, lowStockThreshold: "5", categoryIds: [category], ...extra })).id;
    const out = await make("out", "0");
    const low = await make("low", "5");
    const plenty = await make("plenty", "6");
    const gone = await make("gone", "9");
    await services.admin.products.archive(admin, gone);

    const ids = async (input: Parameters<Services["admin"]["products"]["list"]>[1]) =>
      (await services.admin.products.list(admin, { category, ...input })).items.map((p) => p.id);
    expect(await ids({})).toEqual([low, out, plenty]); // active by default, by name
    expect(await ids({ status: "archived" })).toEqual([gone]);
    expect(await ids({ status: "all" })).toEqual([gone, low, out, plenty]);
    expect(await ids({ stock: "out" })).toEqual([out]);
    expect(await ids({ stock: "low" })).toEqual([low]);
    expect(await ids({ stock: "in" })).toEqual([plenty]);
    expect(await ids({ q: `l-plenty-${t}` })).toEqual([plenty]); // SKU, any case
    expect(await ids({ q: `LISTED OUT` })).toEqual([out]); // name, any case

    const page1 = await services.admin.products.list(admin, { category, status: "all", pageSize: 3 });
    const page2 = await services.admin.products.list(admin, { category, status: "all", pageSize: 3, page: 2 });
    expect([page1.total, page1.pageCount, page1.items.length, page2.items.length]).toEqual([4, 2, 3, 1]);
    expect(page2.items.map((p) => p.id)).toEqual([plenty]);

    const bad = await failure(services.admin.products.list(admin, { status: "deleted" as never }));
    expect(bad.code).toBe("validation");
  });

  it("searches for % and _ as themselves, not as LIKE wildcards", async () => {
    const category = await insertCategory(pool);
    const t = tag();
    const make = async (name: string, sku: string) =>
      (await createFromForm(services.admin.products, admin, { name: `${name} ${t}`, sku: `${sku}-${t}`, price: "1.00", initialStock: "1", lowStockThreshold: "0", categoryIds: [category] })).id;
    const percent = await make("Cotton 100% tee", "W-PCT");
    const underscore = await make("Mug", "W_UND");
    const plain = await make("Plain cap", "W-PLN");
    const ids = async (q: string) => (await services.admin.products.list(admin, { category, q })).items.map((p) => p.id);
    expect(await ids("%")).toEqual([percent]);
    expect(await ids("_")).toEqual([underscore]);
    expect(await ids("w_")).toEqual([underscore]);
    expect(await ids("plain")).toEqual([plain]);
  });
});

describe("optimistic edits", () => {
  it("applies an edit made on the current version and refuses a stale one without changing anything", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    const loaded = await services.admin.products.get(admin, id);
    const form = { name: loaded.name, sku: loaded.sku, slug: loaded.slug, price: "20.00", categoryIds: [categoryB], version: String(loaded.version) };

    await updateFromForm(services.admin.products, admin, id, form);
    expect(await row(id)).toMatchObject({ price_minor: 2000, version: loaded.version + 1 });

    // A second tab still holds the old version.
    const stale = await failure(updateFromForm(services.admin.products, admin, id, { ...form, price: "30.00", name: "Overwritten" }));
    expect(stale.code).toBe("conflict");
    expect(stale.message).toBe(STALE_EDIT_MESSAGE);
    expect(stale.message).toContain("changed by someone else — reload");
    expect(await row(id)).toMatchObject({ price_minor: 2000, name: loaded.name, version: loaded.version + 1 });
    expect((await services.admin.products.get(admin, id)).categoryIds).toEqual([categoryB]);
  });

  it("lets only one of two concurrent edits of the same version win", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    const loaded = await services.admin.products.get(admin, id);
    const form = (price: string) => ({ name: loaded.name, sku: loaded.sku, slug: loaded.slug, price, categoryIds: [categoryA], version: String(loaded.version) });
    const results = await Promise.allSettled([updateFromForm(services.admin.products, admin, id, form("31.00")), updateFromForm(services.admin.products, admin, id, form("32.00"))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(isAppError(lost.reason, "conflict")).toBe(true);
    expect(await row(id)).toMatchObject({ version: loaded.version + 1 });
  });
});

describe("catalog cache", () => {
  /** Changes a product's description without firing triggers (so no NOTIFY): a cached read keeps the old one. */
  async function secretWrite(productId: string, description: string) {
    const client = await pool.connect();
    try {
      await client.query(`SET session_replication_role = replica`);
      await client.query(`UPDATE products SET description = $2 WHERE id = $1`, [productId, description]);
    } finally {
      await client.query(`RESET session_replication_role`);
      client.release();
    }
  }

  /** Waits until `read` is served from the instance's cache. */
  async function warm(read: () => Promise<{ description: string }>, productId: string) {
    let n = 0;
    await eventually(async () => {
      await read();
      const marker = `marker-${n++}-${tag()}`;
      await secretWrite(productId, marker);
      return (await read()).description !== marker ? true : undefined;
    }, 15_000, "a cached read");
  }

  it("serves an admin edit at once in this instance, and in another instance after the NOTIFY", async () => {
    const input = validInput({ initialStock: "3" });
    const { id, slug } = await createFromForm(services.admin.products, admin, input);
    const other = servicesFor(db.url, { MEDIA_DIR: mediaDir, CATALOG_CACHE_TTL_SECONDS: "600" });
    try {
      await warm(() => services.catalog.getProduct(slug), id);
      await warm(() => other.catalog.getProduct(slug), id);
      // Both instances now serve the product from their caches (warm proved it).
      expect((await services.catalog.getProduct(slug)).price.amountMinor).toBe(1250);

      const loaded = await services.admin.products.get(admin, id);
      await updateFromForm(services.admin.products, admin, id, { name: loaded.name, sku: loaded.sku, slug, price: "44.00", categoryIds: [categoryA], version: String(loaded.version) });

      // This instance: no wait at all (the use case invalidated its cache).
      const here = await services.catalog.getProduct(slug);
      expect(here.price.amountMinor).toBe(4400);
      // The other instance: its cache is dropped when the commit's NOTIFY arrives.
      await eventually(async () => ((await other.catalog.getProduct(slug)).price.amountMinor === 4400 ? true : undefined), 10_000, "the other instance to see the new price");
    } finally {
      await other.close();
    }
  });
});

describe("images", () => {
  const stored = async () => {
    const dir = path.join(mediaDir, "products");
    return readdir(dir).catch(() => [] as string[]);
  };

  it("refuses a fake image and an oversize one, storing nothing", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    const before = { files: await stored(), rows: (await counts()).images };

    const fake = await failure(services.admin.products.addImage(admin, id, { bytes: new TextEncoder().encode("just some text, renamed photo.png") }));
    expect(fake.code).toBe("validation");
    expect(fieldsOf(fake)).toEqual({ file: "This file is not an image we can read. Upload a JPEG, PNG or WebP." });

    const svg = await failure(services.admin.products.addImage(admin, id, { bytes: new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100"/></svg>`) }));
    expect(fieldsOf(svg).file).toMatch(/JPEG, PNG or WebP/);

    const big = await oversizePng(IMAGE_MAX_BYTES + 1);
    const oversize = await failure(services.admin.products.addImage(admin, id, { bytes: new Uint8Array(big) }));
    expect(fieldsOf(oversize)).toEqual({ file: "The image is larger than 5 MB" });

    expect({ files: await stored(), rows: (await counts()).images }).toEqual(before);
    expect((await row(id)).image_url).toBeNull();
  });

  it("accepts real PNG and JPEG files, strips their metadata, caps their size, and keeps image_url on the first image through reorder and remove", async () => {
    const { id, slug } = await createFromForm(services.admin.products, admin, validInput());
    const jpeg = await jpegWithExif(3000, 1000);
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();

    const a = await services.admin.products.addImage(admin, id, { bytes: new Uint8Array(await pngBytes()), alt: "Front" });
    expect((await row(id)).image_url).toBe(`/media/${a.storageKey}`);
    const b = await services.admin.products.addImage(admin, id, { bytes: new Uint8Array(jpeg) });
    expect(b.contentType).toBe("image/jpeg");
    expect([b.width, b.height]).toEqual([2000, 667]);
    const onDisk = await readFile(path.join(mediaDir, b.storageKey));
    const meta = await sharp(onDisk).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.width).toBe(2000);
    expect(onDisk.includes(Buffer.from("Secret Photographer"))).toBe(false);
    expect(b.byteSize).toBe(onDisk.byteLength);

    // Served by app/media with its type and a long, immutable cache lifetime.
    const served = await callGet(media, `/media/${b.storageKey}`, { key: b.storageKey.split("/") });
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/jpeg");
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await served.arrayBuffer()).equals(onDisk)).toBe(true);
    for (const key of [["products", "nope.jpg"], ["..", "..", "etc", "passwd"], ["products", "..", "..", b.storageKey]]) {
      expect((await callGet(media, `/media/${key.join("/")}`, { key })).status, key.join("/")).toBe(404);
    }

    const c = await services.admin.products.addImage(admin, id, { bytes: new Uint8Array(await pngBytes(32, 32, { r: 0, g: 200, b: 0 })) });
    const order = async () => (await services.admin.products.get(admin, id)).images.map((i) => i.id);
    expect(await order()).toEqual([a.id, b.id, c.id]);
    expect((await row(id)).image_url).toBe(`/media/${a.storageKey}`);

    await services.admin.products.moveImage(admin, id, b.id, "up");
    expect(await order()).toEqual([b.id, a.id, c.id]);
    expect((await row(id)).image_url).toBe(`/media/${b.storageKey}`);
    // The shop shows it (through next/image), at once.
    expect((await services.catalog.getProduct(slug)).imageUrl).toBe(`/media/${b.storageKey}`);

    await services.admin.products.moveImage(admin, id, c.id, "down"); // already last: nothing moves
    expect(await order()).toEqual([b.id, a.id, c.id]);

    await services.admin.products.removeImage(admin, id, b.id);
    expect(await order()).toEqual([a.id, c.id]);
    expect((await row(id)).image_url).toBe(`/media/${a.storageKey}`);
    expect((await pool.query(`SELECT position FROM product_images WHERE product_id = $1 ORDER BY position`, [id])).rows.map((r) => r.position)).toEqual([0, 1]);
    expect((await callGet(media, `/media/${b.storageKey}`, { key: b.storageKey.split("/") })).status).toBe(404);

    await services.admin.products.removeImage(admin, id, a.id);
    await services.admin.products.removeImage(admin, id, c.id);
    expect((await row(id)).image_url).toBeNull();
  });

  it("gives concurrent uploads to one product distinct positions", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    const uploaded = await Promise.all([0, 1, 2, 3].map(async (i) => services.admin.products.addImage(admin, id, { bytes: new Uint8Array(await pngBytes(20 + i, 20)) })));
    const { rows } = await pool.query(`SELECT id, position, storage_key FROM product_images WHERE product_id = $1 ORDER BY position`, [id]);
    expect(rows.map((r) => r.position)).toEqual([0, 1, 2, 3]);
    expect(rows.map((r) => r.id).sort()).toEqual(uploaded.map((u) => u.id).sort());
    expect((await row(id)).image_url).toBe(`/media/${rows[0].storage_key}`);
  });

  it("keeps a seed image until the first upload replaces it as the shop's picture", async () => {
    const { id } = await createFromForm(services.admin.products, admin, validInput());
    await pool.query(`UPDATE products SET image_url = '/images/products/seed.svg' WHERE id = $1`, [id]);
    const loaded = await services.admin.products.get(admin, id);
    await updateFromForm(services.admin.products, admin, id, { name: loaded.name, sku: loaded.sku, slug: loaded.slug, price: "5.00", categoryIds: [categoryA], version: String(loaded.version) });
    expect((await row(id)).image_url).toBe("/images/products/seed.svg");
    const a = await services.admin.products.addImage(admin, id, { bytes: new Uint8Array(await pngBytes()) });
    expect((await row(id)).image_url).toBe(`/media/${a.storageKey}`);
  });
});
