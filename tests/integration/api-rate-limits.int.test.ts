import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, useApiDatabase, type ApiResponse } from "../support/api";

// Low limits, so each one is reached in a few requests. Windows are one minute.
const PER_IP = 5;
const PER_USER = 8;
const AUTH_PER_IP = 3;
const PASSWORD = "a-long-password";

let db: TestDatabase;
let stop: () => Promise<void>;
const api = apiHarness();

beforeAll(async () => {
  db = await createTestDatabase();
  stop = await useApiDatabase(db.url, {
    API_RATE_LIMIT_PER_MINUTE: String(PER_IP),
    API_USER_RATE_LIMIT_PER_MINUTE: String(PER_USER),
    API_AUTH_RATE_LIMIT_PER_MINUTE: String(AUTH_PER_IP),
  });
});

afterAll(async () => {
  await stop?.();
  await db?.drop();
});

let lastOctet = 0;
/** A fresh client address per use, so tests do not share counters. */
const newIp = () => `10.77.${Math.floor(++lastOctet / 250)}.${(lastOctet % 250) + 1}`;

function expectRateLimited(res: ApiResponse) {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect((res.body as { code: string }).code).toBe("rate_limited");
  const retryAfter = res.headers.get("retry-after");
  expect(retryAfter, "Retry-After header").toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(60);
}

/** Registers and signs in, each from its own address (the auth limit is 3 per address). */
async function accessToken(): Promise<string> {
  const email = `limits-${randomUUID().slice(0, 8)}@example.com`;
  expect((await api.call("POST", "/auth/register", { body: { email, name: "Limited", password: PASSWORD }, ip: newIp() })).status).toBe(202);
  const res = await api.call<{ accessToken: string }>("POST", "/auth/token", { body: { email, password: PASSWORD }, ip: newIp() });
  expect(res.status).toBe(200);
  return res.body.accessToken;
}

describe("API rate limits", () => {
  it("limits each address: past the limit, 429 with Retry-After and code rate_limited; another address is unaffected", async () => {
    const ip = newIp();
    for (let i = 0; i < PER_IP; i++) expect((await api.call("GET", "/categories", { ip })).status).toBe(200);
    expectRateLimited(await api.call("GET", "/categories", { ip }));
    expectRateLimited(await api.call("GET", "/categories", { ip }));
    expect((await api.call("GET", "/categories", { ip: newIp() })).status).toBe(200);
    // Liveness is not counted: a limited address's prober still gets its answer.
    for (let i = 0; i < PER_IP * 2; i++) expect((await api.call("GET", "/health", { ip })).status).toBe(200);
  });

  it("counts requests that arrive at once exactly: of 12 parallel requests from one address, 5 pass", async () => {
    const ip = newIp();
    const results = await Promise.all(Array.from({ length: 12 }, () => api.call("GET", "/categories", { ip })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(PER_IP);
    for (const r of results.filter((r) => r.status !== 200)) expectRateLimited(r);
  });

  it("gives /auth/* its own stricter limit per address, reached first, without using up the address's general one", async () => {
    const ip = newIp();
    for (let i = 0; i < AUTH_PER_IP; i++) {
      const res = await api.call("POST", "/auth/token", { body: { email: `nobody-${i}@example.com`, password: "wrong-password" }, ip });
      expect(res.status).toBe(401);
    }
    // Every auth route shares the counter; the limit is checked before the body is even read.
    expectRateLimited(await api.call("POST", "/auth/token", { body: { email: "nobody@example.com", password: "x" }, ip }));
    expectRateLimited(await api.call("POST", "/auth/register", { body: { email: `late-${randomUUID().slice(0, 8)}@example.com`, name: "Late", password: PASSWORD }, ip }));
    expectRateLimited(await api.call("POST", "/auth/refresh", { rawBody: "not json", ip }));
    expectRateLimited(await api.call("POST", "/auth/revoke", { body: { token: "t" }, ip }));
    // The general limit of the same address is untouched.
    expect((await api.call("GET", "/categories", { ip })).status).toBe(200);
    // And another address can still sign in.
    expect((await api.call("POST", "/auth/token", { body: { email: "nobody@example.com", password: "wrong-password" }, ip: newIp() })).status).toBe(401);
  });

  it("limits each token across addresses: spreading requests over many addresses does not escape the per-user limit", async () => {
    const token = await accessToken();
    for (let i = 0; i < PER_USER; i++) {
      // A new address each time: none of them reaches the per-address limit.
      expect((await api.call("GET", "/auth/me", { token, ip: newIp() })).status).toBe(200);
    }
    expectRateLimited(await api.call("GET", "/auth/me", { token, ip: newIp() }));
    // The limit is the user's, not the addresses': another user from a fresh address is fine.
    const other = await accessToken();
    expect((await api.call("GET", "/auth/me", { token: other, ip: newIp() })).status).toBe(200);
    // A token-less request from a fresh address is not affected either.
    expect((await api.call("GET", "/categories", { ip: newIp() })).status).toBe(200);
  });
});
