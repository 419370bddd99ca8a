import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { PostgresAttemptCounter } from "@/lib/infrastructure/security/postgres-attempt-counter";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let otherPool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  otherPool = sqlPool(db.url);
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await otherPool?.end();
  await db?.drop();
});

const PASSWORD = "a-long-password";

async function registered(): Promise<string> {
  const email = `throttle-${randomUUID().slice(0, 8)}@example.com`;
  await services.registerUser({ email, name: "Throttled", password: PASSWORD });
  return email;
}

describe("PostgresAttemptCounter", () => {
  it("lets exactly the limit through when many attempts arrive at once from two web instances", async () => {
    const options = { name: `t_${randomUUID().slice(0, 8)}`, attempts: 5, windowMs: 60_000 };
    // Two pools stand for two web instances sharing the table.
    const a = new PostgresAttemptCounter(pool, options);
    const b = new PostgresAttemptCounter(otherPool, options);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit("shared-key")));
    expect(results.filter((r) => !r.limited)).toHaveLength(5);
    for (const r of results) expect(r.retryAfterMs).toBeGreaterThan(55_000);
  });

  it("starts a new window when the old one has passed, and forgets a reset key", async () => {
    const counter = new PostgresAttemptCounter(pool, { name: `t_${randomUUID().slice(0, 8)}`, attempts: 1, windowMs: 1_000 });
    expect((await counter.hit("k")).limited).toBe(false);
    expect((await counter.hit("k")).limited).toBe(true);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await counter.hit("k")).limited).toBe(false);
    await counter.reset("k");
    expect((await counter.hit("k")).limited).toBe(false);
    await counter.forgive("k");
    expect((await counter.hit("k")).limited).toBe(false);
    expect((await counter.hit("k")).limited).toBe(true);
  });

  it("stores no emails or addresses, only their hashes", async () => {
    const counter = new PostgresAttemptCounter(pool, { name: "t_privacy", attempts: 5, windowMs: 60_000 });
    await counter.hit("someone@example.com");
    const { rows } = await pool.query<{ key: string }>("SELECT key FROM rate_limits WHERE key LIKE 't_privacy:%'");
    expect(rows.map((r) => r.key)).toEqual([expect.stringMatching(/^t_privacy:[0-9a-f]{64}$/)]);
  });
});

describe("sign-in throttling through the composed use case", () => {
  it("checks at most 5 of 20 parallel wrong passwords for one email, then refuses the right one", async () => {
    const email = await registered();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => services.authenticate({ email, password: `guess-${i}`, ip: `203.0.113.${i + 1}` })),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(15);

    const right = await services.authenticate({ email: email.toUpperCase(), password: PASSWORD, ip: "198.51.100.1" });
    expect(right).toMatchObject({ ok: false, reason: "throttled" });
    expect(right.ok === false && right.reason === "throttled" && right.retryAfterMs).toBeGreaterThan(14 * 60_000);
  });

  it("checks at most 20 parallel attempts from one address across different emails", async () => {
    const ip = "192.0.2.77";
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => services.authenticate({ email: `nobody-${i}-${randomUUID().slice(0, 4)}@example.com`, password: "x", ip })),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(10);
  });

  it("lets the owner in below the limit and forgets the earlier failures", async () => {
    const email = await registered();
    for (let i = 0; i < 4; i++) expect(await services.authenticate({ email, password: "typo", ip: "198.51.100.2" })).toMatchObject({ reason: "invalid" });
    expect(await services.authenticate({ email, password: PASSWORD, ip: "198.51.100.2" })).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) expect(await services.authenticate({ email, password: "typo", ip: "198.51.100.2" })).toMatchObject({ reason: "invalid" });
  });
});
