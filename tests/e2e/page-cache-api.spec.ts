import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext } from "./fixtures";
import { ADMIN } from "./admin-support";
import { queryDb } from "./support";

/**
 * Product and listing pages come from each web instance's page cache; a
 * catalog write on one instance must reach the other's cache (PostgreSQL
 * NOTIFY → lib/infrastructure/cache/page-cache-handler.cjs). scripts/test.sh
 * starts a second web instance on the same database for this.
 */
const SECOND = process.env.E2E_SECOND_BASE_URL;
const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;

async function page(request: APIRequestContext, url: string) {
  const res = await request.get(url);
  expect(res.status()).toBe(200);
  return { html: await res.text(), cache: res.headers()["x-nextjs-cache"] };
}

test("a price changed through one web instance shows on the other's cached pages", async ({ request, baseURL }) => {
  // Skipped only when the suite runs against a single `npm start` by hand; scripts/test.sh (and so CI) always sets it.
  test.skip(!SECOND, "needs E2E_SECOND_BASE_URL: a second web instance on the same database (scripts/test.sh starts one)");
  const [product] = await queryDb<{ id: string; slug: string; price_minor: number; version: number }>(
    `SELECT p.id, p.slug, p.price_minor, p.version FROM products p
      WHERE p.archived_at IS NULL
        AND EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.archived_at IS NULL AND v.stock > 0)
        -- Its page shows the product's price: no variant overrides it.
        AND NOT EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.price_override_minor IS NOT NULL)
      ORDER BY p.slug LIMIT 1`,
  );
  const productUrl = `/products/${product!.slug}`;

  // Both instances serve the page from their cache before the change.
  for (const base of [baseURL!, SECOND!]) {
    await page(request, base + productUrl);
    const again = await page(request, base + productUrl);
    expect(again.cache).toBe("HIT");
    expect(again.html).toContain(dollars(product!.price_minor));
  }

  const token = await request.post(`${baseURL}/api/v1/auth/token`, { data: ADMIN, headers: { "x-forwarded-for": "10.99.0.1" } });
  expect(token.status()).toBe(200);
  const { accessToken } = (await token.json()) as { accessToken: string };
  const newPrice = product!.price_minor + 101;
  const changedAt = Date.now();
  const patched = await request.patch(`${baseURL}/api/v1/admin/products/${product!.id}`, {
    headers: { authorization: `Bearer ${accessToken}`, "idempotency-key": randomUUID(), "x-forwarded-for": "10.99.0.1" },
    data: { version: product!.version, price: { amountMinor: newPrice, currency: "USD" } },
  });
  expect(patched.status()).toBe(200);

  // The other instance never saw the write, only the NOTIFY: its cached page must go.
  const seen: Record<string, number> = {};
  for (const base of [SECOND!, baseURL!]) {
    await expect
      .poll(async () => (await page(request, base + productUrl)).html.includes(dollars(newPrice)), { timeout: 15_000, intervals: [50] })
      .toBe(true);
    seen[base] = Date.now() - changedAt;
  }
  // A figure for the report, not a threshold.
  test.info().annotations.push({ type: "propagation", description: `new price shown after ${seen[SECOND!]} ms on the other instance, ${seen[baseURL!]} ms on the writer` });
  console.log(`page cache: new price shown after ${seen[SECOND!]} ms on the other instance, ${seen[baseURL!]} ms on the writer`);

  // And the new page is cached again (the cache was emptied, not switched off).
  await expect.poll(async () => (await page(request, SECOND! + productUrl)).cache, { timeout: 10_000 }).toBe("HIT");
  expect((await page(request, SECOND! + productUrl)).html).toContain(dollars(newPrice));
});
