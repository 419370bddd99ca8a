import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { queryDb, registerShopper } from "./support";
import { checked } from "./api-contract";

// The catalog and cart routes over real HTTP against the built app: keyset
// pages, and the cart through the shop's own session cookie (writes need the
// shop's Origin). Specs share one database in CI: nothing here assumes counts.
const clientAddress = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;

interface Product {
  id: string;
  slug: string;
  name: string;
  stock: number;
  price: { amountMinor: number; currency: string };
}

test.describe("REST API v1: catalog and cart", () => {
  test("pages through the whole catalog with cursors and finds a product by slug and by id", async ({ request }) => {
    const headers = { "x-forwarded-for": clientAddress() };
    const seen: Product[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await checked(request).get("/api/v1/products", { headers, params: { limit: "25", sort: "price_desc", ...(cursor ? { cursor } : {}) } });
      expect(res.status()).toBe(200);
      const body = (await res.json()) as { items: Product[]; next: string | null };
      seen.push(...body.items);
      cursor = body.next;
      pages++;
    } while (cursor && pages < 100);
    expect(cursor).toBeNull();
    expect(seen.length).toBeGreaterThanOrEqual(60);
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    const prices = seen.map((p) => p.price.amountMinor);
    expect(prices).toEqual([...prices].sort((a, b) => b - a));
    expect(seen.every((p) => Number.isInteger(p.price.amountMinor) && p.price.currency === "USD")).toBe(true);

    const one = seen[0]!;
    const bySlug = await checked(request).get(`/api/v1/products/${one.slug}`, { headers });
    const byId = await checked(request).get(`/api/v1/products/${one.id}`, { headers });
    expect(bySlug.status()).toBe(200);
    expect(await byId.json()).toEqual(await bySlug.json());

    const bad = await checked(request).get("/api/v1/products", { headers, params: { cursor: "made-up" } });
    expect(bad.status()).toBe(422);
    expect(bad.headers()["content-type"]).toContain("application/problem+json");
    expect((await bad.json()).errors[0].path).toBe("query.cursor");

    const categories = await checked(request).get("/api/v1/categories", { headers });
    expect(((await categories.json()) as { items: { slug: string }[] }).items.length).toBeGreaterThanOrEqual(5);
  });

  test("a signed-in shopper's cart through the session cookie: writes need the shop's origin", async ({ page, baseURL, request }) => {
    await registerShopper(page, "API Cart Shopper");
    const headers = { "x-forwarded-for": clientAddress() };
    const list = await checked(page.request).get("/api/v1/products", { headers, params: { inStock: "true", limit: "1", sort: "price_asc" } });
    const product = ((await list.json()) as { items: Product[] }).items[0]!;

    expect(await (await checked(page.request).get("/api/v1/cart", { headers })).json()).toMatchObject({ lines: [], itemCount: 0 });

    const body = { productId: product.id, quantity: 1 };
    const crossSite = await checked(page.request).post("/api/v1/cart/items", { headers: { ...headers, "idempotency-key": randomUUID(), origin: "https://evil.example" }, data: body });
    expect(crossSite.status()).toBe(403);
    const noOrigin = await checked(page.request).post("/api/v1/cart/items", { headers: { ...headers, "idempotency-key": randomUUID() }, data: body });
    expect(noOrigin.status()).toBe(403);

    const added = await checked(page.request).post("/api/v1/cart/items", { headers: { ...headers, "idempotency-key": randomUUID(), origin: new URL(baseURL!).origin }, data: body });
    expect(added.status()).toBe(201);
    const cart = (await added.json()) as { lines: { itemId: string; productId: string; variantId: string; variantTitle: string; quantity: number }[] };
    // Without a variantId, a product sold in one variant puts that variant on the line: the unit of stock.
    const variants = await queryDb<{ id: string }>(`SELECT id FROM product_variants WHERE product_id = $1 AND archived_at IS NULL`, [product.id]);
    expect(variants).toHaveLength(1);
    expect(cart.lines).toEqual([expect.objectContaining({ productId: product.id, variantId: variants[0]!.id, variantTitle: "", quantity: 1 })]);

    // The same cart the shop's pages show.
    await page.goto("/cart");
    await expect(page.getByRole("link", { name: product.name }).first()).toBeVisible();

    const removed = await checked(page.request).delete(`/api/v1/cart/items/${cart.lines[0]!.itemId}`, { headers: { ...headers, origin: new URL(baseURL!).origin } });
    expect(removed.status()).toBe(200);
    expect(((await removed.json()) as { lines: unknown[] }).lines).toEqual([]);

    // Without the cookie, the cart is not there for anyone.
    const anonymous = await checked(request).get("/api/v1/cart", { headers });
    expect(anonymous.status()).toBe(401);
  });
});
