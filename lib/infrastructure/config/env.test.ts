import { describe, expect, it } from "vitest";
import { loadEnv, loadLogEnv } from "./env";

const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/storefront" };

describe("configuration", () => {
  it("refuses a production start that did not choose the card processor, naming the variable", () => {
    expect(() => loadEnv({ ...base, NODE_ENV: "production" })).toThrow(/PAYMENTS_PROVIDER: must be set in production/);
    expect(loadEnv({ ...base, NODE_ENV: "production", PAYMENTS_PROVIDER: "fake" }).PAYMENTS_PROVIDER).toBe("fake");
    // Development and tests use the fake without saying so.
    expect(loadEnv({ ...base, NODE_ENV: "development" }).PAYMENTS_PROVIDER).toBeUndefined();
    expect(() => loadEnv({ ...base, PAYMENTS_PROVIDER: "stripe" })).toThrow(/PAYMENTS_PROVIDER/);
  });

  it("reads the fake processor's outages and the payment limits", () => {
    const env = loadEnv({ ...base, PAYMENTS_FAKE_FAIL_FIRST: "void:2,refund:3", PAYMENTS_MAX_DECLINES_PER_ORDER: "3" });
    expect(env.PAYMENTS_FAKE_FAIL_FIRST).toEqual({ void: 2, refund: 3 });
    expect([env.PAYMENTS_MAX_DECLINES_PER_ORDER, env.PAYMENTS_MAX_DECLINES_PER_USER, env.PAYMENTS_TIMEOUT_MS]).toEqual([3, 10, 10_000]);
    expect(() => loadEnv({ ...base, PAYMENTS_FAKE_FAIL_FIRST: "void=2" })).toThrow(/PAYMENTS_FAKE_FAIL_FIRST/);
  });

  it("reads where rate limits are counted: Redis on this machine unless REDIS_URL says otherwise, and only a Redis URL", () => {
    expect(loadEnv(base).REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(loadEnv({ ...base, REDIS_URL: "rediss://:secret@cache.internal:6380/2" }).REDIS_URL).toBe("rediss://:secret@cache.internal:6380/2");
    expect(() => loadEnv({ ...base, REDIS_URL: "127.0.0.1:6379" })).toThrow(/REDIS_URL/);
    expect(() => loadEnv({ ...base, REDIS_URL: "http://127.0.0.1:6379" })).toThrow(/REDIS_URL: expected a redis/);
    expect(loadEnv(base).REDIS_KEY_PREFIX).toBeUndefined();
    expect(() => loadEnv({ ...base, REDIS_KEY_PREFIX: "has space" })).toThrow(/REDIS_KEY_PREFIX/);
  });

  it("leaves the web's metrics off unless a long enough METRICS_TOKEN is set", () => {
    expect(loadEnv(base).METRICS_TOKEN).toBeUndefined();
    expect(() => loadEnv({ ...base, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN: METRICS_TOKEN must be at least 16/);
  });

  it("reads the logger's settings alone, so a process with a broken configuration can still log why", () => {
    expect(loadLogEnv({})).toEqual({ LOG_LEVEL: "info" });
    expect(loadLogEnv({ LOG_LEVEL: "debug", LOG_FORMAT: "json", NODE_ENV: "production" })).toEqual({ LOG_LEVEL: "debug", LOG_FORMAT: "json", NODE_ENV: "production" });
    expect(() => loadLogEnv({ LOG_LEVEL: "verbose" })).toThrow(/LOG_LEVEL/);
    expect(() => loadLogEnv({ LOG_FORMAT: "text" })).toThrow(/LOG_FORMAT/);
    // They are part of the whole configuration too.
    expect(() => loadEnv({ ...base, LOG_FORMAT: "text" })).toThrow(/LOG_FORMAT/);
    expect(loadEnv({ ...base, LOG_FORMAT: "pretty" }).LOG_FORMAT).toBe("pretty");
  });
});
