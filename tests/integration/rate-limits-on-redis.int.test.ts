import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { Redis } from "ioredis";
import { isAppError } from "@/lib/domain/errors";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { createServices } from "@/lib/composition/root";
import { createRateLimitMetrics } from "@/lib/infrastructure/observability/metrics";
import { counterOn, plainRedis, RedisConnection, redisKeyOf, redisUrl, uniqueKeyPrefix, UNREACHABLE_REDIS_URL } from "../support/redis";
import { testLogger } from "../support/logger";

// Rate limits in Redis (docs/decisions/012-performance.md): exact under
// concurrency, shared by web instances, answered from memory once refused, and
// what each kind of limit does when Redis does not answer.

const opened: RedisConnection[] = [];
let redis: Redis;

/** A connection like one web instance's, closed after the file. */
function connect(url = redisUrl(), log?: { warn(message: string): void }) {
  const connection = new RedisConnection(url, { log: log ?? testLogger() });
  opened.push(connection);
  return connection;
}

beforeAll(() => {
  redis = plainRedis();
});

afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
  redis?.disconnect();
});

describe("rate limits shared in Redis", () => {
  it("lets exactly 10 of 50 parallel hits through with a limit of 10", async () => {
    const metrics = createRateLimitMetrics();
    const counter = counterOn(connect(), { name: "api_ip", attempts: 10, whenRedisFails: "count-here", keyPrefix: uniqueKeyPrefix(), metrics });
    const results = await Promise.all(Array.from({ length: 50 }, () => counter.hit("203.0.113.9")));
    expect(results.filter((r) => !r.limited)).toHaveLength(10);
    expect(await metrics.refusals.get({ limit: "api_ip" })).toBe(40);
    expect(await metrics.fallbacks.get({ limit: "api_ip" })).toBe(0);
  });

  it("shares one count between two web instances: what one used up, the other refuses", async () => {
    const options = { attempts: 6, whenRedisFails: "count-here" as const, keyPrefix: uniqueKeyPrefix() };
    const first = counterOn(connect(), options);
    const second = counterOn(connect(), options);
    for (let i = 0; i < 4; i++) expect((await first.hit("client")).limited).toBe(false);
    const atSecond = [];
    for (let i = 0; i < 4; i++) atSecond.push((await second.hit("client")).limited);
    expect(atSecond).toEqual([false, false, true, true]);
    // A different key has its own count.
    expect((await second.hit("another client")).limited).toBe(false);
  });

  it("answers a key it has seen refused from memory: Redis's count stops growing, and no Redis is needed", async () => {
    const keyPrefix = uniqueKeyPrefix();
    const metrics = createRateLimitMetrics();
    const connection = connect(redisUrl(), { warn: () => undefined });
    const counter = counterOn(connection, { name: "sign_in_ip", attempts: 3, keyPrefix, metrics });
    const stored = redisKeyOf(keyPrefix, "sign_in_ip", "198.51.100.7");

    for (let i = 0; i < 3; i++) expect((await counter.hit("198.51.100.7")).limited).toBe(false);
    expect(await counter.hit("198.51.100.7")).toMatchObject({ limited: true });
    expect(await redis.get(stored)).toBe("4");

    // Ten more refusals, none of them counted in Redis: they never reached it.
    for (let i = 0; i < 10; i++) {
      const res = await counter.hit("198.51.100.7");
      expect(res.limited).toBe(true);
      expect(res.retryAfterMs).toBeGreaterThan(0);
    }
    expect(await redis.get(stored)).toBe("4");
    expect(await metrics.refusals.get({ limit: "sign_in_ip" })).toBe(11);

    // Another instance has not seen the refusal: it asks Redis, which counts it.
    const elsewhere = counterOn(connect(), { name: "sign_in_ip", attempts: 3, keyPrefix });
    expect((await elsewhere.hit("198.51.100.7")).limited).toBe(true);
    expect(await redis.get(stored)).toBe("5");

    // With this instance's Redis connection gone, the refused key is still
    // refused (from memory), while any other key cannot be counted at all.
    connection.client.disconnect();
    expect((await counter.hit("198.51.100.7")).limited).toBe(true);
    const other = await counter.hit("198.51.100.8").catch((e: unknown) => e);
    expect(isAppError(other, "unavailable")).toBe(true);
  });

  it("blocks in memory only past the limit: an attempt given back at the limit leaves room for one more", async () => {
    const counter = counterOn(connect(), { attempts: 3, keyPrefix: uniqueKeyPrefix() });
    for (let i = 0; i < 3; i++) expect((await counter.hit("owner@example.com")).limited).toBe(false);
    // The third attempt was the owner's, who signed in: the address gets it back.
    await counter.forgive("owner@example.com");
    expect((await counter.hit("owner@example.com")).limited).toBe(false);
    expect((await counter.hit("owner@example.com")).limited).toBe(true);
  });
});

describe("when Redis does not answer", () => {
  it("refuses sign-in attempts (fails closed), counts them as unavailable and logs once", async () => {
    const lines: string[] = [];
    const metrics = createRateLimitMetrics();
    const connection = connect(UNREACHABLE_REDIS_URL, { warn: (m) => lines.push(m) });
    const counter = counterOn(connection, { name: "sign_in_email", attempts: 5, keyPrefix: uniqueKeyPrefix(), metrics });

    for (let i = 0; i < 3; i++) {
      const error = await counter.hit("someone@example.com").then(
        () => null,
        (e: unknown) => e,
      );
      expect(isAppError(error, "unavailable"), `attempt ${i + 1} refused as unavailable`).toBe(true);
    }
    await expect(counter.reset("someone@example.com")).rejects.toMatchObject({ code: "unavailable" });
    expect(await metrics.unavailable.get({ limit: "sign_in_email" })).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/^rate limits: Redis at redis:\/\/127\.0\.0\.1:1 did not answer .*sign-in attempts are refused/)]);
    // Says why, not only that the limiter found no connection.
    expect(lines[0]).toMatch(/ECONNREFUSED/);
  });

  it("counts API requests in this instance's memory, to the same limit, says so in the fallback metric and logs once", async () => {
    const lines: string[] = [];
    const metrics = createRateLimitMetrics();
    const connection = connect(UNREACHABLE_REDIS_URL, { warn: (m) => lines.push(m) });
    const counter = counterOn(connection, { name: "api_ip", attempts: 10, whenRedisFails: "count-here", keyPrefix: uniqueKeyPrefix(), metrics });

    const results = await Promise.all(Array.from({ length: 12 }, () => counter.hit("203.0.113.50")));
    expect(results.filter((r) => !r.limited)).toHaveLength(10);
    expect(results.filter((r) => r.limited)).toHaveLength(2);
    expect(await metrics.fallbacks.get({ limit: "api_ip" })).toBe(12);
    expect(await metrics.refusals.get({ limit: "api_ip" })).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/did not answer .*API limits are counted per web instance/);
  });

  it("logs once when Redis comes back, and counts in Redis again", async () => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const lines: string[] = [];
    const metrics = createRateLimitMetrics();
    const keyPrefix = uniqueKeyPrefix();
    const counter = counterOn(connect(url, { warn: (m) => lines.push(m) }), { name: "api_user", attempts: 100, whenRedisFails: "count-here", keyPrefix, metrics });

    expect((await counter.hit("user-1")).limited).toBe(false);
    expect(await metrics.fallbacks.get({ limit: "api_user" })).toBe(1);

    const server = await startRedisServer(port);
    try {
      // ioredis reconnects on its own; hits go to Redis as soon as it does.
      await vi.waitFor(
        async () => {
          const before = await metrics.fallbacks.get({ limit: "api_user" });
          await counter.hit("user-1");
          expect(await metrics.fallbacks.get({ limit: "api_user" })).toBe(before);
        },
        { timeout: 15_000, interval: 100 },
      );
      const direct = new Redis(url, { lazyConnect: true });
      try {
        expect(Number(await direct.get(redisKeyOf(keyPrefix, "api_user", "user-1")))).toBeGreaterThanOrEqual(1);
      } finally {
        direct.disconnect();
      }
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/did not answer/);
      expect(lines[1]).toMatch(/answers again/);
    } finally {
      await stop(server);
    }
  });
});

describe("the composed services", () => {
  it("open no Redis connection until something is counted (the worker counts nothing)", async () => {
    const accepted: net.Socket[] = [];
    // Stands in for Redis: counts connections and hangs up on each.
    const fake = net.createServer((socket) => {
      accepted.push(socket);
      socket.destroy();
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const port = (fake.address() as net.AddressInfo).port;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const env = loadEnv({ ...process.env, DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/unused", REDIS_URL: `redis://127.0.0.1:${port}` });
      const idle = createServices(env);
      await idle.close();
      expect(accepted).toHaveLength(0);

      const busy = createServices(env);
      try {
        // The first counted request connects; this fake cannot answer, so the API counts in memory.
        expect((await busy.api.rateLimits.perIp.hit("192.0.2.1")).limited).toBe(false);
        expect(accepted.length).toBeGreaterThanOrEqual(1);
        expect(await busy.metrics.fallbacks.get({ limit: "api_ip" })).toBe(1);
      } finally {
        await busy.close();
      }
    } finally {
      warn.mockRestore();
      await new Promise((resolve) => fake.close(resolve));
    }
  });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Redis of this test's own (the shared one is never stopped or paused by tests). */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const probe = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: null });
  probe.on("error", () => undefined);
  try {
    await vi.waitFor(async () => expect(await probe.ping()).toBe("PONG"), { timeout: 10_000, interval: 50 });
  } finally {
    probe.disconnect();
  }
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
