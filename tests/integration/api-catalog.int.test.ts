import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { getServices } from "@/lib/composition/root";
import type { ProductSort } from "@/lib/domain/catalog";
import { insertSeedCatalog, type SeededCatalog } from "../support/catalog-fixtures";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertProductWithVariants, sqlPool, variantIdOf } from "../support/fixtures";
import { apiHarness, useApiDatabase, type ApiResponse } from "../support/api";
import { apiCaller } from "../support/api-fuzz";

// GET /products, /products/{idOrSlug} and /categories through the real route
// handlers (tests/support/api.ts checks every response against the OpenAPI
// document), over the seed catalog on a fresh database.
let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
let seeded: SeededCatalog;
let token: string;
const api = apiHarness();

interface Money {
  amountMinor: number;
  currency: string;
}
interface Product {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  price: Money;
  stock: number;
  imageUrl: string | null;
}
interface Page {
  items: Product[];
  next: string | null;
  sort: ProductSort;
  matchedBy: "words" | "similar" | null;
  didYouMean: string | null;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

const APP_URL = "https://shop.example";

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  seeded = await insertSeedCatalog(pool);
  // Ties on every sort key (same name, price and creation time; only the ids differ), so keyset pages must break them by id.
  const twins = await Promise.all(Array.from({ length: 5 }, () => insertProduct(pool, { stock: 2, priceMinor: 1450, name: "Twin Oak Mug" })));
  await pool.query(`UPDATE products SET created_at = '2026-01-01T00:00:00.123Z' WHERE id = ANY($1::uuid[])`, [twins]);
  stop = await useApiDatabase(db.url, { APP_URL });
  ({ token } = await apiCaller(pool, "customer", "catalog"));
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

function expectMoney(m: Money) {
  expect(Number.isSafeInteger(m.amountMinor)).toBe(true);
  expect(m.currency).toMatch(/^[A-Z]{3}$/);
}

async function list(query: Record<string, string>): Promise<ApiResponse<Page>> {
  return api.call<Page>("GET", "/products", { query });
}

/** Every page of a listing, following `next`, with an optional step between pages. */
async function walk(query: Record<string, string>, between?: (page: Page) => Promise<void>): Promise<{ pages: Page[]; ids: string[] }> {
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse<Page> = await list(cursor ? { ...query, cursor } : query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    pages.push(res.body);
    res.body.items.forEach((p) => expectMoney(p.price));
    cursor = res.body.next;
    if (cursor && between) await between(res.body);
    expect(pages.length).toBeLessThan(200);
  } while (cursor);
  return { pages, ids: pages.flatMap((p) => p.items.map((i) => i.id)) };
}

async function problem(res: ApiResponse<unknown>, status: number, code: string, path?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = res.body as Problem;
  expect(body.code).toBe(code);
  if (path) expect(body.errors?.map((e) => e.path)).toContain(path);
}

/** Active product ids in the order the shop's (offset) search gives: an independent order to compare the keyset walk with. */
async function shopOrder(input: { q?: string; sort: ProductSort; category?: string; inStockOnly?: boolean }): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const r = await getServices().catalog.searchProducts({ ...input, page, pageSize: 100 });
    ids.push(...r.items.map((p) => p.id));
    if (page >= r.pageCount) return ids;
  }
}

describe("GET /products", () => {
  it("searches with words, filters and a sort; prices are integer minor units with a currency; images absolute", async () => {
    const res = await list({ q: "cafe", category: "woodwork", minPrice: "1000", maxPrice: "3000", inStock: "true", sort: "price_asc" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sort: "price_asc", matchedBy: "words", next: null });
    // Bamboo Mug is sold out in the seed, so inStock leaves it out.
    expect(seeded.products.find((p) => p.name === "Bamboo Mug")!.stock).toBe(0);
    expect(res.body.items.map((p) => p.name).sort()).toEqual(["Oak Mug", "Walnut Mug"]);
    const prices = res.body.items.map((p) => p.price.amountMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    const oak = seeded.products.find((p) => p.name === "Oak Mug")!;
    expect(res.body.items.find((p) => p.name === "Oak Mug")).toEqual({
      id: oak.id,
      sku: oak.sku,
      slug: oak.slug,
      name: oak.name,
      description: oak.description,
      price: { amountMinor: oak.priceMinor, currency: "USD" },
      fromPrice: null,
      stock: oak.stock,
      imageUrl: `${APP_URL}${oak.imageUrl}`,
    });
  });

  it("defaults to 20 by name and says when it matched similar words (a typo)", async () => {
    const first = await list({});
    expect(first.body.items).toHaveLength(20);
    expect(first.body).toMatchObject({ sort: "name", matchedBy: null, next: expect.any(String) });
    // "lamo": four letters, too short for a spelling correction, so trigrams match it.
    const typo = await walk({ q: "lamo", limit: "2" });
    expect(typo.pages.every((p) => p.matchedBy === "similar" && p.didYouMean === null)).toBe(true);
    expect(typo.ids).toEqual(await shopOrder({ q: "lamo", sort: "relevance" }));
    expect(typo.ids).toHaveLength(10);
  });

  it("corrects a misspelled word on every page of a walk, with didYouMean, in the shop's order, typed matches first", async () => {
    const typo = await walk({ q: "walnot", limit: "2" });
    expect(typo.pages.every((p) => p.matchedBy === "words" && p.didYouMean === "walnut")).toBe(true);
    expect(typo.ids).toEqual(await shopOrder({ q: "walnot", sort: "relevance" }));
    expect(typo.ids).toHaveLength(6);
    const mixed = await walk({ q: "walnot or copper", limit: "4" });
    expect(mixed.pages.every((p) => p.didYouMean === "walnut or copper")).toBe(true);
    const names = mixed.pages.flatMap((p) => p.items.map((i) => i.name));
    expect(names).toHaveLength(12);
    expect(names.slice(0, 6).every((n) => n.startsWith("Copper "))).toBe(true);
    expect(names.slice(6).every((n) => n.startsWith("Walnut "))).toBe(true);
    expect(mixed.ids).toEqual(await shopOrder({ q: "walnot or copper", sort: "relevance" }));
  });

  const WALKS: [string, Record<string, string>, { q?: string; sort: ProductSort; category?: string; inStockOnly?: boolean }][] = [
    ["name", { sort: "name" }, { sort: "name" }],
    ["price_asc", { sort: "price_asc" }, { sort: "price_asc" }],
    ["price_desc", { sort: "price_desc" }, { sort: "price_desc" }],
    ["newest", { sort: "newest" }, { sort: "newest" }],
    ["relevance", { q: "oak" }, { q: "oak", sort: "relevance" }],
    ["relevance, many ties", { q: "for" }, { q: "for", sort: "relevance" }],
    ["price_asc in a category, in stock", { sort: "price_asc", category: "kitchen", inStock: "1" }, { sort: "price_asc", category: "kitchen", inStockOnly: true }],
  ];

  it.each(WALKS)("walks every page sorted by %s with no duplicate and no gap, in the shop's order", async (_name, query, shop) => {
    const expected = await shopOrder(shop);
    expect(expected.length).toBeGreaterThan(3);
    for (const limit of ["1", "7", "100"]) {
      const { pages, ids } = await walk({ ...query, limit });
      expect(ids).toEqual(expected);
      expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / Number(limit))));
      expect(pages.at(-1)!.next).toBeNull();
    }
  });

  it.each(WALKS.map(([name, query]) => [name, query] as const))(
    "sorted by %s, stays stable while products are inserted between pages",
    async (_name, query) => {
      const before = new Set((await walk({ ...query, limit: "100" })).ids);
      const inserted: string[] = [];
      const { ids } = await walk({ ...query, limit: "4" }, async (page) => {
        const last = page.items.at(-1)!;
        // Around the page's last product: same price (a tie broken by id), names just before and after it, and at both ends.
        for (const name of [`${last.name}`, `${last.name} A`, `AAA ${randomUUID().slice(0, 6)}`, `zzz ${randomUUID().slice(0, 6)}`, "Oak Lamp Mug For"]) {
          inserted.push(await insertProduct(pool, { stock: 3, priceMinor: last.price.amountMinor, name }));
        }
      });
      expect(inserted.length).toBeGreaterThan(0);
      expect(new Set(ids).size).toBe(ids.length);
      // No product that existed before the walk is missing; what was inserted meanwhile may or may not be shown.
      expect(ids.filter((id) => before.has(id))).toEqual([...before].filter((id) => ids.includes(id)));
      for (const id of before) expect(ids).toContain(id);
      for (const id of ids) expect(before.has(id) || inserted.includes(id)).toBe(true);
      // Clean up so the other walks compare against the seed.
      await pool.query(`UPDATE products SET archived_at = now() WHERE id = ANY($1::uuid[])`, [inserted]);
    },
  );

  it("never lists an archived product", async () => {
    const id = await insertProduct(pool, { stock: 5, name: `Archived Lamp ${randomUUID().slice(0, 6)}` });
    expect((await walk({ limit: "100" })).ids).toContain(id);
    await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [id]);
    const queries: Record<string, string>[] = [{ limit: "100" }, { q: "archived lamp", limit: "100" }, { sort: "newest", limit: "100" }];
    for (const query of queries) {
      expect((await walk(query)).ids).not.toContain(id);
    }
    const { rows } = await pool.query<{ slug: string }>(`SELECT slug FROM products WHERE id = $1`, [id]);
    await problem(await api.call("GET", `/products/${id}`), 404, "not_found");
    await problem(await api.call("GET", `/products/${rows[0]!.slug}`), 404, "not_found");
  });

  it.each([
    ["limit=101", "query.limit"],
    ["limit=0", "query.limit"],
    ["limit=ten", "query.limit"],
    ["minPrice=12.50", "query.minPrice"],
    ["maxPrice=-1", "query.maxPrice"],
    ["minPrice=5000&maxPrice=100", "query.maxPrice"],
    ["sort=cheapest", "query.sort"],
    ["inStock=yes", "query.inStock"],
    ["category=Not_A_Slug", "query.category"],
    ["q=" + "x".repeat(101), "query.q"],
    ["page=2", "query"],
    ["cursor=not*base64", "query.cursor"],
    [`cursor=${Buffer.from("not json").toString("base64url")}`, "query.cursor"],
    [`cursor=${Buffer.from(JSON.stringify({ v: 1, match: "words", after: { sort: "name", id: "x", name: "a" } })).toString("base64url")}`, "query.cursor"],
    [`cursor=${Buffer.from(JSON.stringify({ v: 1, match: "words", after: { sort: "price_asc", id: randomUUID(), priceMinor: 1.5 } })).toString("base64url")}`, "query.cursor"],
    [`cursor=${"A".repeat(3000)}`, "query.cursor"],
  ])("refuses %s with 422 naming %s", async (query, path) => {
    await problem(await api.call("GET", `/products?${query}`), 422, "validation", path);
  });

  it("refuses a cursor of another sort, or of a similar-words search used without words", async () => {
    const byName = await list({ limit: "2" });
    await problem(await list({ limit: "2", sort: "price_asc", cursor: byName.body.next! }), 422, "validation", "query.cursor");
    const similar = await list({ q: "lamo", limit: "2" });
    expect(similar.body.matchedBy).toBe("similar");
    await problem(await list({ sort: "relevance", limit: "2", cursor: similar.body.next! }), 422, "validation", "query.cursor");
  });

  it("answers 404 for an unknown category, naming the field", async () => {
    await problem(await list({ category: "garden" }), 404, "not_found", "query.category");
  });

  it("serves a caller with a valid token the same, and refuses an invalid token with 401", async () => {
    const withToken = await api.call<Page>("GET", "/products", { token, query: { limit: "5" } });
    expect(withToken.status).toBe(200);
    expect(withToken.body.items).toEqual((await list({ limit: "5" })).body.items);
    await problem(await api.call("GET", "/products", { token: "not-a-token" }), 401, "unauthenticated");
    await problem(await api.call("GET", "/categories", { token: "not-a-token" }), 401, "unauthenticated");
  });
});

describe("GET /products/{idOrSlug}", () => {
  it("finds a product by slug and by id (any case), with its categories and absolute image URL", async () => {
    const bowl = seeded.products.find((p) => p.slug === "walnut-bowl")!;
    const bySlug = await api.call<Product & { categories: unknown[] }>("GET", "/products/walnut-bowl");
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toEqual({
      id: bowl.id,
      sku: bowl.sku,
      slug: "walnut-bowl",
      name: "Walnut Bowl",
      description: bowl.description,
      price: { amountMinor: bowl.priceMinor, currency: "USD" },
      fromPrice: null,
      stock: bowl.stock,
      imageUrl: "https://shop.example/images/products/walnut-bowl.svg",
      categories: [
        { id: seeded.categoryIds.get("kitchen"), slug: "kitchen", name: "Kitchen & dining" },
        { id: seeded.categoryIds.get("woodwork"), slug: "woodwork", name: "Woodwork" },
      ],
      // Sold in one variant, without options.
      options: [],
      variants: [{ id: await variantIdOf(pool, bowl.id), sku: bowl.sku, price: { amountMinor: bowl.priceMinor, currency: "USD" }, stock: bowl.stock, values: [] }],
    });
    expect((await api.call("GET", `/products/${bowl.id}`)).body).toEqual(bySlug.body);
    expect((await api.call("GET", `/products/${bowl.id.toUpperCase()}`)).body).toEqual(bySlug.body);
  });

  it("lists a product's options and live variants, each with its own SKU, price and stock; the list says from what price", async () => {
    const { productId, variantIds } = await insertProductWithVariants(pool, {
      name: "API Variant Chair",
      priceMinor: 9000,
      options: { Size: ["S", "M"], Wood: ["Oak", "Walnut"] },
      variants: [
        { values: ["S", "Oak"], stock: 4 },
        { values: ["M", "Walnut"], stock: 0, priceOverrideMinor: 12500 },
        { values: ["S", "Walnut"], stock: 2, priceOverrideMinor: 8000 },
      ],
    });
    await pool.query(`UPDATE product_variants SET archived_at = now() WHERE id = $1`, [variantIds.get("S/Walnut")]);
    const res = await api.call<{ options: unknown; variants: unknown; stock: number; fromPrice: unknown; price: unknown }>("GET", `/products/${productId}`);
    expect(res.status).toBe(200);
    expect(res.body.options).toEqual([
      { name: "Size", values: ["S", "M"] },
      { name: "Wood", values: ["Oak", "Walnut"] },
    ]);
    // The archived variant is gone: the stock is the live ones', and they cost 90.00 and 125.00.
    expect(res.body.variants).toEqual([
      { id: variantIds.get("S/Oak"), sku: expect.any(String), price: { amountMinor: 9000, currency: "USD" }, stock: 4, values: ["S", "Oak"] },
      { id: variantIds.get("M/Walnut"), sku: expect.any(String), price: { amountMinor: 12500, currency: "USD" }, stock: 0, values: ["M", "Walnut"] },
    ]);
    expect(res.body).toMatchObject({ stock: 4, price: { amountMinor: 9000 }, fromPrice: { amountMinor: 9000, currency: "USD" } });
    const listed = await list({ q: "API Variant Chair" });
    expect(listed.body.items.find((p) => p.id === productId)).toMatchObject({ stock: 4, fromPrice: { amountMinor: 9000, currency: "USD" } });
  });

  it("answers 404 for an unknown id or slug and 422 for something that is neither", async () => {
    await problem(await api.call("GET", `/products/${randomUUID()}`), 404, "not_found");
    await problem(await api.call("GET", "/products/no-such-thing"), 404, "not_found");
    await problem(await api.call("GET", "/products/Not_A_Slug"), 422, "validation", "params.idOrSlug");
    await problem(await api.call("GET", `/products/${"a".repeat(161)}`), 422, "validation", "params.idOrSlug");
  });
});

describe("GET /categories", () => {
  it("lists categories in display order with ids and counts of products on sale", async () => {
    const res = await api.call<{ items: { id: string; slug: string; name: string; description: string; productCount: number }[] }>("GET", "/categories");
    expect(res.status).toBe(200);
    const { rows } = await pool.query<{ slug: string; n: number }>(
      `SELECT c.slug, count(p.id)::int AS n FROM categories c
         LEFT JOIN product_categories pc ON pc.category_id = c.id
         LEFT JOIN products p ON p.id = pc.product_id AND p.archived_at IS NULL
        GROUP BY c.slug, c.position, c.name ORDER BY c.position, c.name`,
    );
    expect(res.body.items.map((c) => [c.slug, c.productCount])).toEqual(rows.map((r) => [r.slug, r.n]));
    expect(res.body.items.map((c) => c.slug)).toEqual(["kitchen", "lighting", "textiles", "decor", "woodwork"]);
    expect(res.body.items[0]).toEqual({
      id: seeded.categoryIds.get("kitchen"),
      slug: "kitchen",
      name: "Kitchen & dining",
      description: "Mugs, bowls and trays for everyday meals.",
      productCount: 30,
    });
  });

  it("refuses parameters it does not know", async () => {
    await problem(await api.call("GET", "/categories?limit=2"), 422, "validation", "query");
  });
});
