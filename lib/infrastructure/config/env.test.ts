import { describe, expect, it } from "vitest";
import { loadEnv, loadKafkaEnv, loadLogEnv } from "./env";

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

  it("refuses half-configured Kafka security at start, naming the variable and never the password", () => {
    const sasl = { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "s3cret-kafka-pass" };
    const env = loadEnv({ ...base, ...sasl, KAFKA_SSL: "true" });
    expect([env.KAFKA_SSL, env.KAFKA_SASL_MECHANISM, env.KAFKA_SASL_USERNAME]).toEqual([true, "scram-sha-512", "shop"]);
    // Off unless said: a plain local broker needs nothing.
    expect([loadEnv(base).KAFKA_SSL, loadEnv(base).KAFKA_SASL_MECHANISM]).toEqual([false, undefined]);
    expect(loadEnv({ ...base, KAFKA_SSL: "false" }).KAFKA_SSL).toBe(false);
    expect(() => loadEnv({ ...base, KAFKA_SSL: "yes" })).toThrow(/KAFKA_SSL: expected true or false/);
    expect(() => loadEnv({ ...base, KAFKA_SASL_MECHANISM: "gssapi", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "x" })).toThrow(/KAFKA_SASL_MECHANISM/);
    expect(() => loadEnv({ ...base, ...sasl, KAFKA_SASL_USERNAME: undefined })).toThrow(/KAFKA_SASL_USERNAME: must be set when KAFKA_SASL_MECHANISM is/);
    expect(() => loadEnv({ ...base, KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "shop" })).toThrow(/KAFKA_SASL_PASSWORD: must be set/);
    // Credentials with no mechanism would be dropped without a word: refused instead.
    expect(() => loadEnv({ ...base, KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "s3cret-kafka-pass" })).toThrow(/KAFKA_SASL_PASSWORD: is set but KAFKA_SASL_MECHANISM is not/);
    expect(() => loadEnv({ ...base, KAFKA_SSL_CA_FILE: "/etc/kafka/ca.pem" })).toThrow(/KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true/);
    const refused = (() => {
      try {
        loadEnv({ ...base, KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "s3cret-kafka-pass", KAFKA_BROKERS: "nope" });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(refused).toMatch(/KAFKA_BROKERS/);
    expect(refused).not.toContain("s3cret-kafka-pass");
    // The scripts that need no database read the same settings, with the same rules.
    expect(loadKafkaEnv({ ...sasl }).KAFKA_SASL_USERNAME).toBe("shop");
    expect(() => loadKafkaEnv({ KAFKA_SASL_MECHANISM: "plain" })).toThrow(/KAFKA_SASL_USERNAME/);
  });

  it("refuses, in production, a SASL/PLAIN password that would cross the network in clear text", () => {
    const plain = { ...base, ...secrets, NODE_ENV: "production", PAYMENTS_PROVIDER: "fake", KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "pw" };
    expect(() => loadEnv(plain)).toThrow(/KAFKA_SSL: must be true in production when KAFKA_SASL_MECHANISM is plain/);
    expect(loadEnv({ ...plain, KAFKA_SSL: "true" }).KAFKA_SSL).toBe(true);
    // SCRAM never sends the password itself; development may use PLAIN against a local broker.
    expect(loadEnv({ ...plain, KAFKA_SASL_MECHANISM: "scram-sha-256" }).KAFKA_SSL).toBe(false);
    expect(loadEnv({ ...plain, NODE_ENV: "development" }).KAFKA_SASL_MECHANISM).toBe("plain");
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
