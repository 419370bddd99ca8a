import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Services } from "@/lib/composition/root";
import { seedProducts } from "@/prisma/seed-data";
import { insertSeedCatalog } from "../support/catalog-fixtures";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";

// The /api/v1 catalog route handlers, called as Next calls them, over the seed
// catalog on a fresh database. getServices() is pointed at that database.
let db: TestDatabase;
let pool: pg.Pool;
let services: Services;
let products: typeof import("@/app/api/v1/products/route");
let product: typeof import("@/app/api/v1/products/[slug]/route");
let categories: typeof import("@/app/api/v1/categories/route");

const APP_URL = "https://shop.example";
const holder = globalThis as unknown as { __storefrontServices?: Services };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  await insertSeedCatalog(pool);
  services = servicesFor(db.url, { APP_URL });
  holder.__storefrontServices = services;
  products = await import("@/app/api/v1/products/route");
  product = await import("@/app/api/v1/products/[slug]/route");
  categories = await import("@/app/api/v1/categories/route");
});

afterAll(async () => {
  delete holder.__storefrontServices;
  await services?.close();
  await pool?.end();
  await db?.drop();
});

async function get(handler: { GET: (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response> }, path: string, params: Record<string, string> = {}) {
  const response = await handler.GET(new Request(`http://localhost${path}`), { params: Promise.resolve(params) });
  return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
}

describe("GET /api/v1/products", () => {
  it("searches with words, filters and a sort, prices in minor units", async () => {
    const { status, body } = await get(products, "/api/v1/products?q=cafe&category=woodwork&minPrice=1000&maxPrice=3000&inStock=true&sort=price_asc");
    expect(status).toBe(200);
    expect(body).toMatchObject({ page: 1, pageSize: 24, sort: "price_asc", matchedBy: "words" });
    // The wooden mugs; the bamboo one is sold out (seed stock 0), so inStock leaves it out.
    expect(seedProducts().find((p) => p.name === "Bamboo Mug")!.stock).toBe(0);
    expect(body.items.map((p: { name: string }) => p.name).sort()).toEqual(["Oak Mug", "Walnut Mug"]);
    const prices = body.items.map((p: { price: { amountMinor: number } }) => p.price.amountMinor);
    expect(prices).toEqual([...prices].sort((a, b) => a - b));
    expect(body.items[0]).toMatchObject({ price: { currency: "USD" }, imageUrl: expect.stringMatching(/^https:\/\/shop\.example\/images\/products\/[a-z-]+\.svg$/) });
  });

  it("says when it matched similar words (a typo)", async () => {
    const { body } = await get(products, "/api/v1/products?q=walnt");
    expect(body.matchedBy).toBe("similar");
    expect(body.total).toBe(6);
  });

  it("pages with a total and a page count, and keeps old clients' page/pageSize working", async () => {
    const { body } = await get(products, "/api/v1/products?page=3&pageSize=25");
    expect(body).toMatchObject({ page: 3, pageSize: 25, total: 60, pageCount: 3, sort: "name", matchedBy: null });
    expect(body.items).toHaveLength(10);
  });

  it.each([
    ["minPrice=12.50", "query.minPrice"],
    ["maxPrice=-1", "query.maxPrice"],
    ["minPrice=5000&maxPrice=100", "query.maxPrice"],
    ["sort=cheapest", "query.sort"],
    ["inStock=yes", "query.inStock"],
    ["category=Not_A_Slug", "query.category"],
    ["q=" + "x".repeat(101), "query.q"],
    ["colour=red", "query"],
    ["page=abc", "query.page"],
  ])("refuses %s with 422 naming %s", async (query, path) => {
    const { status, type, body } = await get(products, `/api/v1/products?${query}`);
    expect(status).toBe(422);
    expect(type).toContain("application/problem+json");
    expect(body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it("answers 404 for an unknown category", async () => {
    const { status, body } = await get(products, "/api/v1/products?category=garden");
    expect(status).toBe(404);
    expect(body).toMatchObject({ code: "not_found", errors: [{ path: "category" }] });
  });
});

describe("GET /api/v1/products/{slug}", () => {
  it("includes the product's categories and absolute image URL", async () => {
    const { status, body } = await get(product, "/api/v1/products/walnut-bowl", { slug: "walnut-bowl" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      slug: "walnut-bowl",
      imageUrl: "https://shop.example/images/products/walnut-bowl.svg",
      categories: [
        { slug: "kitchen", name: "Kitchen & dining" },
        { slug: "woodwork", name: "Woodwork" },
      ],
    });
  });
});

describe("GET /api/v1/categories", () => {
  it("lists categories in display order with product counts", async () => {
    const { status, body } = await get(categories, "/api/v1/categories");
    expect(status).toBe(200);
    expect(body.items.map((c: { slug: string; productCount: number }) => [c.slug, c.productCount])).toEqual([
      ["kitchen", 30],
      ["lighting", 10],
      ["textiles", 10],
      ["decor", 10],
      ["woodwork", 18],
    ]);
    expect(body.items[0]).toEqual({ slug: "kitchen", name: "Kitchen & dining", description: expect.any(String), productCount: 30 });
  });

  it("refuses parameters it does not know", async () => {
    expect((await get(categories, "/api/v1/categories?limit=2")).status).toBe(422);
  });
});
