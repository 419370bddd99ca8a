import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, useApiDatabase } from "../support/api";

let db: TestDatabase;
let stop: () => Promise<void>;
const api = apiHarness();

beforeAll(async () => {
  db = await createTestDatabase();
  // Small limits of this file's own (its database name keys its Redis counts apart from other files').
  stop = await useApiDatabase(db.url, { REGISTRATION_LIMIT_PER_IP_PER_HOUR: "3", REGISTRATION_LIMIT_PER_MINUTE: "6" });
});

afterAll(async () => {
  await stop?.();
  await db?.drop();
});

const register = (ip: string) =>
  api.call<{ code?: string }>("POST", "/auth/register", { body: { email: `reg-${randomUUID().slice(0, 8)}@example.com`, name: "Reg", password: "a-long-password" }, ip });

describe("registration throttling", () => {
  it("refuses a client address's fourth registration in an hour with 429 and Retry-After; then the global ceiling stops every address", async () => {
    for (let i = 0; i < 3; i++) expect((await register("192.0.2.10")).status).toBe(202);
    const refused = await register("192.0.2.10");
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(60);

    // Other addresses go on until six registrations in the minute, counted across addresses
    // (the refused one did not count towards it).
    for (let i = 0; i < 3; i++) expect((await register(`192.0.2.${20 + i}`)).status).toBe(202);
    const ceiling = await register("192.0.2.30");
    expect(ceiling.status).toBe(429);
    expect(Number(ceiling.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  });
});
