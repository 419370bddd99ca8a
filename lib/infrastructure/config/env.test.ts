import { describe, expect, it } from "vitest";
import { loadEnv, loadKafkaEnv, loadLogEnv } from "./env";

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
    const plain = { ...base, NODE_ENV: "production", PAYMENTS_PROVIDER: "fake", KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "shop", KAFKA_SASL_PASSWORD: "pw" };
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
