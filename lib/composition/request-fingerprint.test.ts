import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { loadEnv } from "../infrastructure/config/env";
import { createServices, type Services } from "./root";
import { testLogger } from "@/tests/support/logger";

const base = { DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/storefront_ops_unused", CATALOG_CACHE_TTL_SECONDS: "0" };
const TOKEN_KEY = "x8Cv2Bn4Mq6We8Rt0Yu2Io4Pa6Sd8Fg0Hj2Kl4";
const FINGERPRINT_KEY = "z9Xc7Vb5Nm3Qw1Er9Ty7Ui5Op3As1Df9Gh7Jk5";
const hmac = (key: string, body: string) => createHmac("sha256", key).update(body).digest("hex");

let services: Services | undefined;
afterEach(async () => {
  await services?.close();
  services = undefined;
});

describe("an idempotent request's fingerprint", () => {
  it("is keyed by REQUEST_FINGERPRINT_SECRET, not by the key that signs access tokens", () => {
    // Nothing here connects: the pools and clients connect on first use.
    services = createServices(loadEnv({ ...base, API_TOKEN_SECRET: TOKEN_KEY, REQUEST_FINGERPRINT_SECRET: FINGERPRINT_KEY }), { log: testLogger(() => {}) });
    expect(services.api.hashRequest('{"a":1}')).toBe(hmac(FINGERPRINT_KEY, '{"a":1}'));
    expect(services.api.hashRequest('{"a":1}')).not.toBe(hmac(TOKEN_KEY, '{"a":1}'));
  });

  it("falls back to the token key outside production when no key of its own is set", () => {
    services = createServices(loadEnv({ ...base, API_TOKEN_SECRET: TOKEN_KEY }), { log: testLogger(() => {}) });
    expect(services.api.hashRequest("{}")).toBe(hmac(TOKEN_KEY, "{}"));
  });
});
