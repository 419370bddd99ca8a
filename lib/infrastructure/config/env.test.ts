import { describe, expect, it } from "vitest";
import { loadEnv } from "./env";

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
});
