import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { testLogger } from "@/tests/support/logger";
import { isAppError } from "../../domain/errors";
import { makeIdempotency, type IdempotencyRecord, type IdempotencyStore } from "./idempotency";

/** An in-memory idempotency_keys table with the adapter's semantics. */
function memoryStore() {
  const rows = new Map<string, IdempotencyRecord & { expiresAt: Date; token: string }>();
  const store: IdempotencyStore = {
    async claim(input) {
      const k = `${input.userId}:${input.key}`;
      const row = rows.get(k);
      if (!row || row.expiresAt <= input.now) {
        rows.set(k, { scope: input.scope, requestHash: input.requestHash, response: null, lockedUntil: input.lockedUntil, expiresAt: input.expiresAt, token: input.token });
        return null;
      }
      return row;
    },
    async takeOver(userId, key, token, now, lockedUntil) {
      const row = rows.get(`${userId}:${key}`);
      if (!row || row.response || !row.lockedUntil || row.lockedUntil > now) return false;
      row.lockedUntil = lockedUntil;
      row.token = token;
      return true;
    },
    async find(userId, key) {
      return rows.get(`${userId}:${key}`) ?? null;
    },
    async complete(userId, key, token, response) {
      const row = rows.get(`${userId}:${key}`);
      if (!row || row.token !== token || row.response) return false;
      row.response = response;
      row.lockedUntil = null;
      return true;
    },
    async release(userId, key, token) {
      const row = rows.get(`${userId}:${key}`);
      if (row && row.token === token && !row.response) rows.delete(`${userId}:${key}`);
    },
  };
  return { store, rows };
}

function clockAt(ms: number) {
  const c = { t: ms, now: () => new Date(c.t) };
  return c;
}

const ids = { uuid: randomUUID };
const log = testLogger(() => {});
const input = { userId: "u1", key: "k1", scope: "POST /api/v1/orders", requestHash: "h1" };

describe("withIdempotency", () => {
  it("does the work once and replays its response for a repeat", async () => {
    const { store } = memoryStore();
    const run = makeIdempotency({ store, ids, log, clock: clockAt(0) });
    let calls = 0;
    const work = async () => ({ status: 201, body: { id: ++calls } });
    expect(await run(input, work)).toEqual({ status: 201, body: { id: 1 }, replayed: false });
    expect(await run(input, work)).toEqual({ status: 201, body: { id: 1 }, replayed: true });
    expect(calls).toBe(1);
  });

  it("makes concurrent repeats wait for the first and get its answer", async () => {
    const { store } = memoryStore();
    const run = makeIdempotency({ store, ids, log, clock: { now: () => new Date() }, pollMs: 5 });
    let calls = 0;
    const work = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return { status: 201, body: { id: "order-1" } };
    };
    const results = await Promise.all(Array.from({ length: 10 }, () => run(input, work)));
    expect(calls).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify([r.status, r.body])))).toEqual(new Set([JSON.stringify([201, { id: "order-1" }])]));
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  it("refuses the same key with a different request", async () => {
    const { store } = memoryStore();
    const run = makeIdempotency({ store, ids, log, clock: clockAt(0) });
    await run(input, async () => ({ status: 201, body: {} }));
    const error = await run({ ...input, requestHash: "other" }, async () => ({ status: 201, body: {} })).catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    const elsewhere = await run({ ...input, scope: "POST /api/v1/orders/x/pay" }, async () => ({ status: 200, body: {} })).catch((e: unknown) => e);
    expect(isAppError(elsewhere, "validation")).toBe(true);
  });

  it("stores client errors, but forgets server failures so a retry does the work", async () => {
    const { store, rows } = memoryStore();
    const run = makeIdempotency({ store, ids, log, clock: clockAt(0) });
    await run(input, async () => ({ status: 409, body: { code: "insufficient_stock" } }));
    expect((await run(input, async () => ({ status: 201, body: {} }))).status).toBe(409);

    const other = { ...input, key: "k2" };
    await expect(run(other, async () => Promise.reject(new Error("database down")))).rejects.toThrow("database down");
    expect(rows.has("u1:k2")).toBe(false);
    expect(await run(other, async () => ({ status: 201, body: { ok: true } }))).toEqual({ status: 201, body: { ok: true }, replayed: false });
  });

  it("treats a key as new once it expired, and takes over a claim whose request died", async () => {
    const { store, rows } = memoryStore();
    const clock = clockAt(0);
    const run = makeIdempotency({ store, ids, log, clock, ttlMs: 1_000, lockMs: 100, pollMs: 1 });
    await run(input, async () => ({ status: 201, body: { n: 1 } }));
    clock.t = 1_000;
    expect(await run({ ...input, requestHash: "different body is fine now" }, async () => ({ status: 201, body: { n: 2 } }))).toMatchObject({ body: { n: 2 }, replayed: false });

    // A claim left behind by a crashed request.
    rows.set("u1:k3", { scope: input.scope, requestHash: "h1", response: null, lockedUntil: new Date(clock.t + 100), expiresAt: new Date(clock.t + 1_000), token: "crashed" });
    clock.t += 101;
    expect(await run({ ...input, key: "k3" }, async () => ({ status: 201, body: { n: 3 } }))).toMatchObject({ body: { n: 3 }, replayed: false });
  });
});
