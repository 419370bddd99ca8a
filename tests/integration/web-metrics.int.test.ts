import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET } from "@/app/api/metrics/route";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, useApiDatabase } from "../support/api";

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
    for (let i = 0; i < 5; i++) statuses.push((await api.call("GET", "/health", { ip })).status);
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

  it("is not there at all without METRICS_TOKEN", async () => {
    await stop?.();
    delete process.env.METRICS_TOKEN;
    stop = await useApiDatabase(db.url);
    expect((await scrape(`Bearer ${TOKEN}`)).status).toBe(404);
  });
});
