import { describe, expect, it } from "vitest";
import { loadEnv, loadLogEnv } from "./env";

const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/storefront" };
// Three distinct random-looking secrets, each of 32 bytes or more: what a proper deployment sets.
const secrets = {
  AUTH_SECRET: "Q2hHn1v8m0wY3kT5rE7uI9oP1aS3dF5gH7jK9lZ",
  API_TOKEN_SECRET: "x8Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4",
  REQUEST_FINGERPRINT_SECRET: "z9Xc7Vb5Nm3Qw1Er9Ty7Ui5Op3As1Df9Gh7Jk5",
};

describe("configuration", () => {
  it("refuses a production start that did not choose the card processor, naming the variable", () => {
    expect(() => loadEnv({ ...base, NODE_ENV: "production" })).toThrow(/PAYMENTS_PROVIDER: must be set in production/);
    expect(() => loadEnv({ ...base, ...secrets, NODE_ENV: "production" })).toThrow(/PAYMENTS_PROVIDER: must be set in production/);
    expect(loadEnv({ ...base, ...secrets, NODE_ENV: "production", PAYMENTS_PROVIDER: "fake" }).PAYMENTS_PROVIDER).toBe("fake");
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

describe("production guards", () => {
  const production = { ...base, NODE_ENV: "production", PAYMENTS_PROVIDER: "fake", ...secrets };

  it("starts with three distinct long secrets and the card processor chosen", () => {
    const env = loadEnv(production);
    expect([env.AUTH_SECRET, env.API_TOKEN_SECRET, env.REQUEST_FINGERPRINT_SECRET]).toEqual([
      secrets.AUTH_SECRET,
      secrets.API_TOKEN_SECRET,
      secrets.REQUEST_FINGERPRINT_SECRET,
    ]);
  });

  it.each(["AUTH_SECRET", "API_TOKEN_SECRET", "REQUEST_FINGERPRINT_SECRET"] as const)("refuses to start without %s, naming it", (name) => {
    expect(() => loadEnv({ ...production, [name]: undefined })).toThrow(new RegExp(`${name}: must be set in production`));
  });

  it.each(["AUTH_SECRET", "API_TOKEN_SECRET", "REQUEST_FINGERPRINT_SECRET"] as const)("refuses a %s shorter than 32 bytes", (name) => {
    expect(() => loadEnv({ ...production, [name]: "Kq8!vT2#pL9@xR4$mN7&wZ1*bY5^c" })).toThrow(new RegExp(`${name}: .*at least 32 bytes`));
  });

  it("counts bytes, not characters: 16 two-byte characters are 32 bytes", () => {
    expect(loadEnv({ ...production, AUTH_SECRET: "äöüßéèêëïîôûçñåø" }).AUTH_SECRET).toBe("äöüßéèêëïîôûçñåø");
  });

  it.each([
    ["AUTH_SECRET", "dev-only-insecure-auth-secret-change-me-0123456789"],
    ["AUTH_SECRET", "change-me-to-a-long-random-string"],
    ["API_TOKEN_SECRET", "change-me-to-another-long-random-string-32+"],
    ["REQUEST_FINGERPRINT_SECRET", "change-me-to-a-third-long-random-string-32+"],
    ["METRICS_TOKEN", "dev-only-metrics-token-change-me"],
  ] as const)("refuses the documented placeholder %s=%s", (name, value) => {
    expect(() => loadEnv({ ...production, [name]: value })).toThrow(new RegExp(`${name}: is a documented placeholder`));
  });

  it("refuses a long secret with almost no variety in it", () => {
    expect(() => loadEnv({ ...production, AUTH_SECRET: "a".repeat(64) })).toThrow(/AUTH_SECRET: .*too few different characters/);
  });

  it("refuses one secret used for two purposes", () => {
    expect(() => loadEnv({ ...production, API_TOKEN_SECRET: secrets.AUTH_SECRET })).toThrow(/API_TOKEN_SECRET: must differ from AUTH_SECRET/);
    expect(() => loadEnv({ ...production, REQUEST_FINGERPRINT_SECRET: secrets.AUTH_SECRET })).toThrow(
      /REQUEST_FINGERPRINT_SECRET: must differ from AUTH_SECRET/,
    );
    expect(() => loadEnv({ ...production, REQUEST_FINGERPRINT_SECRET: secrets.API_TOKEN_SECRET })).toThrow(
      /REQUEST_FINGERPRINT_SECRET: must differ from API_TOKEN_SECRET/,
    );
  });

  it("leaves development and tests free to run without secrets", () => {
    const env = loadEnv({ ...base, NODE_ENV: "development", AUTH_SECRET: "short-dev-secret" });
    expect([env.API_TOKEN_SECRET, env.REQUEST_FINGERPRINT_SECRET]).toEqual([undefined, undefined]);
    expect(loadEnv({ ...base, NODE_ENV: "test", AUTH_SECRET: "dev-only-insecure-auth-secret-change-me-0123456789" }).AUTH_SECRET).toBeDefined();
  });
});
