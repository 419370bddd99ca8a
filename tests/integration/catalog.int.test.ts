import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { ProductCriteria, ProductSearchResult } from "@/lib/application/catalog/catalog";
import type { ProductSort } from "@/lib/domain/catalog";
import { searchCountSql, searchPageSql } from "@/lib/infrastructure/db/prisma-product-repository";
import { SEED_EPOCH } from "@/prisma/seed-data";
import { insertSeedCatalog, type SeededCatalog } from "../support/catalog-fixtures";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertVariant, servicesFor, sqlPool } from "../support/fixtures";

// The seed catalog (60 products in 5 categories, descriptions with accented
// words) plus one product whose *name* says "espresso", on a fresh database.
let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;
let seeded: SeededCatalog;
let all: { id: string; name: string; priceMinor: number; stock: number; createdAt: Date; categorySlugs: string[] }[];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url);
  seeded = await insertSeedCatalog(pool);
  const cupId = randomUUID();
  const cupCreated = new Date(SEED_EPOCH.getTime() - 86_400_000);
  await pool.query(
    `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, created_at, updated_at)
     VALUES ($1, 'SKU-CUP', 'espresso-cup', 'Espresso Cup', 'A small cup.', 990, 'USD', $2, now())`,
    [cupId, cupCreated],
  );
  await insertVariant(pool, { productId: cupId, sku: "SKU-CUP", stock: 4 });
  await pool.query(`INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)`, [cupId, seeded.categoryIds.get("kitchen")]);
  all = [
    ...seeded.products.map((p) => ({ id: p.id, name: p.name, priceMinor: p.priceMinor, stock: p.stock, createdAt: p.createdAt, categorySlugs: p.categorySlugs })),
    { id: cupId, name: "Espresso Cup", priceMinor: 990, stock: 4, createdAt: cupCreated, categorySlugs: ["kitchen"] },
  ];
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

const search = (input: Parameters<ReturnType<typeof servicesFor>["catalog"]["searchProducts"]>[0]) => services.catalog.searchProducts(input);
const names = (r: ProductSearchResult) => r.items.map((p) => p.name);
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const namesWhere = (pred: (p: (typeof all)[number]) => boolean) => all.filter(pred).map((p) => p.name).sort(byName);

describe("search by words", () => {
  it("finds a word of the name whatever its case", async () => {
    const mugs = namesWhere((p) => p.name.endsWith(" Mug"));
    expect(mugs).toHaveLength(10);
    for (const q of ["mug", "MUG", "Mug", "  mUg  "]) {
      const result = await search({ q, page: 1 });
      expect(names(result), q).toEqual(mugs);
      expect(result.matchedBy).toBe("words");
    }
  });

  it("finds a word only the description has", async () => {
    expect(names(await search({ q: "stonewashed", page: 1 }))).toEqual(namesWhere((p) => p.name.startsWith("Linen ")));
  });

  it("ignores accents: 'cafe' finds 'café', and an accented query finds the same", async () => {
    const mugs = namesWhere((p) => p.name.endsWith(" Mug"));
    for (const q of ["cafe", "café", "CAFÉ", "cafe\u0301"]) expect(names(await search({ q, page: 1 })), q).toEqual(mugs);
    const bowls = namesWhere((p) => p.name.endsWith(" Bowl"));
    for (const q of ["creme brulee", "Crème Brûlée"]) expect(names(await search({ q, page: 1 })), q).toEqual(bowls);
    expect(names(await search({ q: "art deco", page: 1 }))).toEqual(namesWhere((p) => p.name.endsWith(" Vase")));
    expect(names(await search({ q: "hors d'oeuvres", page: 1 }))).toEqual(namesWhere((p) => p.name.endsWith(" Tray")));
    expect(names(await search({ q: "tete-a-tete", page: 1 }))).toEqual(namesWhere((p) => p.name.endsWith(" Lamp")));
  });

  it("matches English word forms: 'lamps' finds 'lamp'", async () => {
    expect(names(await search({ q: "lamps", page: 1 }))).toEqual(namesWhere((p) => p.name.endsWith(" Lamp")));
  });

  it("needs every word, in any order", async () => {
    const result = await search({ q: "lamp walnut", page: 1 });
    expect(names(result)).toEqual(["Walnut Lamp"]);
    expect(result.matchedBy).toBe("words");
  });

  it("ranks a product named after the word above those that only describe it", async () => {
    const result = await search({ q: "espresso", page: 1 });
    expect(names(result)[0]).toBe("Espresso Cup");
    expect(names(result).slice(1)).toEqual(namesWhere((p) => p.name.endsWith(" Mug")));
  });

  it("does not add look-alikes to a correctly spelled word", async () => {
    const result = await search({ q: "wool", page: 1 });
    expect(names(result)).toEqual(namesWhere((p) => p.name.startsWith("Wool ")));
    expect(result.matchedBy).toBe("words");
  });
});

describe("search with typos (trigram fallback)", () => {
  it("finds lamps for 'lamo' and says the match is by similarity", async () => {
    const result = await search({ q: "lamo", page: 1 });
    expect(result.matchedBy).toBe("similar");
    expect(names(result).sort(byName)).toEqual(namesWhere((p) => p.name.endsWith(" Lamp")));
  });

  it("finds the oak lamp first for 'oak lamo' (a short word is left to trigrams)", async () => {
    expect(names(await search({ q: "oak lamo", page: 1 }))[0]).toBe("Oak Lamp");
  });

  it("corrects 'walnt' (five letters, one missing) to walnut instead: words, with 'did you mean'", async () => {
    // Before typo corrections this was a trigram match; tests/integration/catalog-typos.int.test.ts covers corrections.
    const walnut = await search({ q: "walnt", page: 1 });
    expect(walnut).toMatchObject({ matchedBy: "words", didYouMean: "walnut" });
    expect(names(walnut).sort(byName)).toEqual(namesWhere((p) => p.name.startsWith("Walnut ")));
    expect(names(await search({ q: "walnt lamp", page: 1 }))).toEqual(["Walnut Lamp"]);
  });

  it("completes the start of a word: 'wal' finds walnut", async () => {
    const result = await search({ q: "wal", page: 1 });
    expect(names(result).sort(byName)).toEqual(namesWhere((p) => p.name.startsWith("Walnut ")));
  });

  it("finds nothing for gibberish, with one empty page", async () => {
    const result = await search({ q: "xyzzyqq", page: 1 });
    expect(result).toMatchObject({ items: [], total: 0, pageCount: 1, matchedBy: "similar" });
  });

  it("takes quotes, operators and SQL in the query as plain text", async () => {
    for (const q of ["'; DROP TABLE products; --", "oak & | ! ( :*", '"unbalanced', "\\", "%_", "the", "-", "or"]) {
      await expect(search({ q, page: 1 }), q).resolves.toMatchObject({ page: 1 });
    }
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM products");
    expect(rows[0]!.n).toBe(61);
  });
});

describe("filters", () => {
  it("browses a category, including products that are in two", async () => {
    expect(names(await search({ category: "lighting", page: 1 }))).toEqual(namesWhere((p) => p.categorySlugs.includes("lighting")));
    const woodwork = await search({ category: "woodwork", page: 1 });
    expect(woodwork.total).toBe(18);
    expect(names(woodwork)).toEqual(namesWhere((p) => /^(Oak|Walnut|Bamboo) /.test(p.name)));
    expect(woodwork.applied.category).toMatchObject({ slug: "woodwork", name: "Woodwork" });
  });

  it("combines words and a category", async () => {
    expect(names(await search({ q: "lamp", category: "woodwork", page: 1 }))).toEqual(["Bamboo Lamp", "Oak Lamp", "Walnut Lamp"]);
  });

  it("keeps prices inside the range, both ends included", async () => {
    const [min, max] = [6900, 7200];
    const expected = namesWhere((p) => p.priceMinor >= min && p.priceMinor <= max);
    expect(expected.length).toBeGreaterThan(1);
    expect(names(await search({ minPriceMinor: min, maxPriceMinor: max, page: 1, pageSize: 100 }))).toEqual(expected);
    expect((await search({ minPriceMinor: 7000, page: 1 })).total).toBe(all.filter((p) => p.priceMinor >= 7000).length);
    expect((await search({ maxPriceMinor: 1500, page: 1 })).total).toBe(all.filter((p) => p.priceMinor <= 1500).length);
    const exact = all.find((p) => p.name === "Oak Lamp")!.priceMinor;
    expect(names(await search({ minPriceMinor: exact, maxPriceMinor: exact, page: 1 }))).toContain("Oak Lamp");
  });

  it("leaves out sold-out products when asked", async () => {
    const result = await search({ inStockOnly: true, page: 1, pageSize: 100 });
    expect(result.total).toBe(all.filter((p) => p.stock > 0).length);
    expect(result.total).toBeLessThan(all.length);
    expect(result.items.every((p) => p.stock > 0)).toBe(true);
  });

  it("applies all filters and words together", async () => {
    const result = await search({ q: "bowl", category: "kitchen", minPriceMinor: 2500, inStockOnly: true, sort: "price_asc", page: 1 });
    const expected = all
      .filter((p) => p.name.endsWith(" Bowl") && p.priceMinor >= 2500 && p.stock > 0)
      .sort((a, b) => a.priceMinor - b.priceMinor || byName(a.id, b.id))
      .map((p) => p.name);
    expect(expected.length).toBeGreaterThan(0);
    expect(names(result)).toEqual(expected);
  });

  it("refuses an unknown category as not found", async () => {
    await expect(search({ category: "garden", page: 1 })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("sorting and paging", () => {
  const expectedOrder: Record<Exclude<ProductSort, "relevance">, (a: (typeof all)[number], b: (typeof all)[number]) => number> = {
    name: (a, b) => byName(a.name, b.name) || byName(a.id, b.id),
    price_asc: (a, b) => a.priceMinor - b.priceMinor || byName(a.id, b.id),
    price_desc: (a, b) => b.priceMinor - a.priceMinor || byName(b.id, a.id),
    newest: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byName(b.id, a.id),
  };

  it.each(Object.keys(expectedOrder) as (keyof typeof expectedOrder)[])("sorts by %s", async (sort) => {
    const result = await search({ sort, page: 1, pageSize: 100 });
    expect(result.items.map((p) => p.id)).toEqual([...all].sort(expectedOrder[sort]).map((p) => p.id));
  });

  it("puts the newest first: the last seeded product, the day-old cup last", async () => {
    const result = await search({ sort: "newest", page: 1, pageSize: 100 });
    expect(result.items[0]!.name).toBe("Bamboo Vase");
    expect(result.items.at(-1)!.name).toBe("Espresso Cup");
  });

  it.each(["name", "price_asc", "price_desc", "newest"] as const)("pages by %s without gaps or overlaps, with a page count", async (sort) => {
    const seen: string[] = [];
    const sizes: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const result = await search({ sort, page, pageSize: 24 });
      expect(result).toMatchObject({ total: 61, pageCount: 3, page, pageSize: 24 });
      sizes.push(result.items.length);
      seen.push(...result.items.map((p) => p.id));
    }
    expect(sizes).toEqual([24, 24, 13]);
    expect(new Set(seen).size).toBe(61);
    expect(seen).toEqual([...all].sort(expectedOrder[sort]).map((p) => p.id));
    expect(await search({ sort, page: 4, pageSize: 24 })).toMatchObject({ items: [], total: 61, pageCount: 3 });
  });

  it("counts and pages search results too", async () => {
    const first = await search({ q: "oak", page: 1, pageSize: 4 });
    const second = await search({ q: "oak", page: 2, pageSize: 4 });
    expect(first).toMatchObject({ total: 6, pageCount: 2 });
    expect(second.items).toHaveLength(2);
    expect([...names(first), ...names(second)]).toEqual(namesWhere((p) => p.name.startsWith("Oak ")));
  });
});

describe("categories and product pages", () => {
  it("lists categories in display order with product counts", async () => {
    expect((await services.catalog.listCategories()).map((c) => [c.slug, c.productCount])).toEqual([
      ["kitchen", 31],
      ["lighting", 10],
      ["textiles", 10],
      ["decor", 10],
      ["woodwork", 18],
    ]);
  });

  it("gives a product its categories in display order, its image and its price in minor units", async () => {
    const bowl = await services.catalog.getProduct("walnut-bowl");
    expect(bowl.categories.map((c) => c.slug)).toEqual(["kitchen", "woodwork"]);
    expect(bowl.imageUrl).toBe("/images/products/walnut-bowl.svg");
    expect(Number.isInteger(bowl.price.amountMinor)).toBe(true);
    await expect(services.catalog.getProduct("no-such-product")).rejects.toMatchObject({ code: "not_found" });
  });

  it("lists every category and product for the sitemap", async () => {
    const map = await services.catalog.sitemap();
    expect(map.categories).toHaveLength(5);
    expect(map.products).toHaveLength(61);
    expect(map.products[0]!.updatedAt).toBeInstanceOf(Date);
  });
});

describe("indexes", () => {
  it("exist: GIN full-text and trigram expression indexes, and the category link index", async () => {
    const { rows } = await pool.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN ('products', 'product_categories')`,
    );
    const defs = Object.fromEntries(rows.map((r) => [r.indexname, r.indexdef]));
    expect(defs.products_search_document_idx).toMatch(/USING gin \((public\.)?product_search_document\(\(name\)::text, description\)\)/);
    expect(defs.products_search_text_trgm_idx).toMatch(/USING gin \((public\.)?product_search_text\(\(name\)::text, description\) (public\.)?gin_trgm_ops\)/);
    expect(defs.product_categories_category_id_product_id_idx).toMatch(/\(category_id, product_id\)/);
    expect(defs.products_price_minor_id_idx).toBeDefined();
    expect(defs.products_created_at_id_idx).toBeDefined();
    const extensions = await pool.query<{ extname: string }>(`SELECT extname FROM pg_extension WHERE extname IN ('pg_trgm', 'unaccent') ORDER BY 1`);
    expect(extensions.rows.map((r) => r.extname)).toEqual(["pg_trgm", "unaccent"]);
  });

  // With 61 rows a sequential scan is cheapest, so the planner is told to avoid
  // one: if the repository's SQL could not use an index, the plan would still
  // be a sequential scan. The SQL is exactly what the repository runs.
  async function plan(sql: { text: string; values: unknown[] }): Promise<string> {
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SET LOCAL enable_seqscan = off");
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql.text}`, sql.values);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    } finally {
      await client.query("ROLLBACK");
      client.release();
    }
  }

  const base: ProductCriteria = { match: "words", inStockOnly: false, sort: "relevance" };
  const window = { offset: 0, limit: 24 };

  it("lets full-text search use the GIN document index", async () => {
    const criteria = { ...base, text: "cafe" };
    expect(await plan(searchPageSql(criteria, window))).toMatch(/Bitmap Index Scan on products_search_document_idx/);
    expect(await plan(searchCountSql(criteria))).toMatch(/Bitmap Index Scan on products_search_document_idx/);
  });

  it("lets typo matching use the GIN trigram index", async () => {
    const criteria: ProductCriteria = { ...base, match: "similar", text: "walnt" };
    expect(await plan(searchPageSql(criteria, window))).toMatch(/Bitmap Index Scan on products_search_text_trgm_idx/);
  });

  it("lets the category filter use the (category_id, product_id) index", async () => {
    const criteria: ProductCriteria = { ...base, sort: "name", categoryId: seeded.categoryIds.get("lighting")! };
    expect(await plan(searchPageSql(criteria, window))).toMatch(/(Index Only Scan using|Bitmap Index Scan on) product_categories_category_id_product_id_idx/);
  });

  it("lets price order use the (price_minor, id) index", async () => {
    expect(await plan(searchPageSql({ ...base, sort: "price_desc" }, window))).toMatch(/Index Scan Backward using products_price_minor_id_idx/);
  });
});
