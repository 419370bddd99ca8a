import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError } from "@/lib/domain/errors";
import { SHIP_TO } from "../support/addresses";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, useApiDatabase } from "../support/api";
import { eventually, insertProduct, insertUser, sqlPool } from "../support/fixtures";
import { reservedOrder } from "../support/payments";

const TOKEN = "metrics-token-for-tests-0123456789";
const scrape = (authorization?: string) =>
  GET(new Request("http://localhost/api/metrics", { headers: authorization ? { authorization } : {} }));

let db: TestDatabase;
let stop: () => Promise<void>;
const api = apiHarness();

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await stop?.();
  delete process.env.METRICS_TOKEN;
  await db?.drop();
});

describe("GET /api/metrics (the web process's metrics)", () => {
  it("counts API refusals per limit, for a scraper that sends METRICS_TOKEN only", async () => {
    stop = await useApiDatabase(db.url, { API_RATE_LIMIT_PER_MINUTE: "2", METRICS_TOKEN: TOKEN });
    const ip = "10.88.0.1";
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.call("GET", "/categories", { ip })).status);
    expect(statuses).toEqual([200, 200, 429, 429, 429]);

    expect((await scrape()).status).toBe(401);
    expect((await scrape("Bearer not-the-token-at-all-000000")).status).toBe(401);
    const res = await scrape(`Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain('storefront_rate_limit_refusals_total{limit="api_ip"} 3\n');
    expect(text).toContain("# TYPE storefront_rate_limit_fallback_total counter\n");
    expect(text).not.toContain('storefront_rate_limit_fallback_total{limit="api_ip"}');
  });

  it("counts orders created, payments by outcome and catalog cache hits and misses, beside the process metrics", async () => {
    await stop?.();
    stop = await useApiDatabase(db.url, { METRICS_TOKEN: TOKEN, CATALOG_CACHE_TTL_SECONDS: "60", PAYMENTS_FAKE_LATENCY_MS: "0" });
    const services = getServices();
    const pool = sqlPool(db.url);
    try {
      // One order through the whole path, paid, and the payment submitted again.
      const { user, order } = await reservedOrder(services, pool);
      const payment = { userId: user.id, email: user.email, orderId: order.id, cardNumber: "4242424242424242", paymentKey: randomUUID() };
      expect((await services.payments.payOrder(payment)).paid).toBe(true);
      expect((await services.payments.payOrder(payment)).paid).toBe(true);

      // A second order, its checkout submitted twice; then a checkout refused for an empty cart.
      const shopper = await insertUser(pool);
      const productId = await insertProduct(pool, { stock: 2 });
      await services.cart.addItem(userCartOwner(shopper.id), { productId, quantity: 1 });
      const checkout = { userId: shopper.id, email: shopper.email, checkoutKey: randomUUID(), shipTo: SHIP_TO };
      expect((await services.orders.placeOrder(checkout)).created).toBe(true);
      expect((await services.orders.placeOrder(checkout)).created).toBe(false);
      const refused = await services.orders.placeOrder({ ...checkout, checkoutKey: randomUUID() }).catch((e: unknown) => e);
      expect(isAppError(refused, "validation")).toBe(true);

      // The first read starts the cache's LISTEN connection (a miss); once it listens, a second read is a hit.
      await eventually(async () => {
        await services.catalog.getProductByIdOrSlug(productId);
        await services.catalog.getProductByIdOrSlug(productId);
        return (await services.metrics.cacheRequests.get({ cache: "catalog", result: "hit" })) > 0 || undefined;
      }, 10_000, "a catalog cache hit");

      const res = await scrape(`Bearer ${TOKEN}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
      const text = await res.text();
      expect(text).toContain("\nstorefront_orders_placed_total 2\n");
      expect(text).toContain('\nstorefront_payments_total{outcome="succeeded"} 1\n');
      expect(text).toContain('\nstorefront_payments_total{outcome="replayed"} 1\n');
      expect(text).not.toContain('storefront_payments_total{outcome="failed"}');
      expect(text).toMatch(/\nstorefront_cache_requests_total\{cache="catalog",result="miss"\} [1-9]\d*\n/);
      expect(text).toMatch(/\nstorefront_cache_requests_total\{cache="catalog",result="hit"\} [1-9]\d*\n/);
      expect(text).toContain("# TYPE storefront_http_request_duration_seconds histogram\n");
      expect(text).toMatch(/\nprocess_resident_memory_bytes \d+\n/);
      expect(text).toContain("# TYPE nodejs_eventloop_lag_seconds gauge\n");
    } finally {
      await pool.end();
    }
  });

  it("is not there at all without METRICS_TOKEN", async () => {
    await stop?.();
    delete process.env.METRICS_TOKEN;
    stop = await useApiDatabase(db.url);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
  });
});
