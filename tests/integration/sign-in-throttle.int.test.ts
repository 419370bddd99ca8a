import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor } from "../support/fixtures";
import { counterOn, plainRedis, RedisConnection, redisUrl, uniqueKeyPrefix } from "../support/redis";
import { testLogger } from "../support/logger";

let db: TestDatabase;
let connection: RedisConnection;
let otherConnection: RedisConnection;
let redis: Redis;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  // Two connections stand for two web instances sharing one Redis.
  connection = new RedisConnection(redisUrl(), { log: testLogger() });
  otherConnection = new RedisConnection(redisUrl(), { log: testLogger() });
  redis = plainRedis();
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await connection?.close();
  await otherConnection?.close();
  redis?.disconnect();
  await db?.drop();
});

const PASSWORD = "a-long-password";

async function registered(): Promise<string> {
  const email = `throttle-${randomUUID().slice(0, 8)}@example.com`;
  await services.auth.registerUser({ email, name: "Throttled", password: PASSWORD });
  return email;
}

// The counter's own tests ran against PostgreSQL's rate_limits table until the
// counts moved to Redis; the same three behaviours, against Redis.
describe("RedisAttemptCounter", () => {
  it("lets exactly the limit through when many attempts arrive at once from two web instances", async () => {
    const options = { attempts: 5, windowMs: 60_000, keyPrefix: uniqueKeyPrefix() };
    const a = counterOn(connection, options);
    const b = counterOn(otherConnection, options);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit("shared-key")));
    expect(results.filter((r) => !r.limited)).toHaveLength(5);
    for (const r of results) expect(r.retryAfterMs).toBeGreaterThan(55_000);
  });

  it("starts a new window when the old one has passed, and forgets a reset key", async () => {
    const counter = counterOn(connection, { attempts: 1, windowMs: 1_000, keyPrefix: uniqueKeyPrefix() });
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
    const keyPrefix = uniqueKeyPrefix();
    const counter = counterOn(connection, { name: "t_privacy", attempts: 5, keyPrefix });
    await counter.hit("someone@example.com");
    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys).toEqual([expect.stringMatching(new RegExp(`^${keyPrefix}t_privacy:[0-9a-f]{64}$`))]);
  });
});

describe("sign-in throttling through the composed use case", () => {
  it("checks at most 5 of 20 parallel wrong passwords for one email, then refuses the right one", async () => {
    const email = await registered();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => services.auth.authenticate({ email, password: `guess-${i}`, ip: `203.0.113.${i + 1}` })),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(15);

    const right = await services.auth.authenticate({ email: email.toUpperCase(), password: PASSWORD, ip: "198.51.100.1" });
    expect(right).toMatchObject({ ok: false, reason: "throttled" });
    expect(right.ok === false && right.reason === "throttled" && right.retryAfterMs).toBeGreaterThan(14 * 60_000);
  });

  it("checks at most 20 parallel attempts from one address across different emails", async () => {
    const ip = "192.0.2.77";
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => services.auth.authenticate({ email: `nobody-${i}-${randomUUID().slice(0, 4)}@example.com`, password: "x", ip })),
    );
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(20);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(10);
  });

  it("lets the owner in below the limit and forgets the earlier failures", async () => {
    const email = await registered();
    for (let i = 0; i < 4; i++) expect(await services.auth.authenticate({ email, password: "typo", ip: "198.51.100.2" })).toMatchObject({ reason: "invalid" });
    expect(await services.auth.authenticate({ email, password: PASSWORD, ip: "198.51.100.2" })).toMatchObject({ ok: true });
    for (let i = 0; i < 5; i++) expect(await services.auth.authenticate({ email, password: "typo", ip: "198.51.100.2" })).toMatchObject({ reason: "invalid" });
  });
});
