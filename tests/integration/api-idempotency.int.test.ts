/**
 * Idempotency-Key on the API's writes, through the real route handlers and
 * PostgreSQL: concurrent repeats do the work once, later repeats replay it,
 * a reused key with another body is refused, keys expire after 24 hours, and
 * one key is one payment attempt.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";
import { SHIP_TO } from "../support/addresses";
import { apiHarness, useApiDatabase } from "../support/api";
import { apiUser, count, fillCart, reserve, type ApiUser } from "../support/api-orders";

interface OrderBody {
  id: string;
  status: string;
  total: { amountMinor: number; currency: string };
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
const api = apiHarness();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  // The processor takes a moment, as a real one does: concurrent repeats overlap the first request.
  stop = await useApiDatabase(db.url, { PAYMENTS_FAKE_LATENCY_MS: "200", RESERVATION_TTL_SECONDS: "600" });
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

const ordersOf = (userId: string) => count(pool, `SELECT 1 FROM orders WHERE user_id = $1`, [userId]);
const createdEventsOf = (userId: string) => count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.created' AND payload->>'userId' = $1`, [userId]);
const outboxRows = () => count(pool, `SELECT 1 FROM outbox_events`, []);

function placeOrder(user: ApiUser, key: string, body: unknown = { shipTo: SHIP_TO }) {
  return api.call<OrderBody & Problem>("POST", "/orders", { token: user.token, body, headers: { "idempotency-key": key } });
}

describe("Idempotency-Key on POST /orders", () => {
  it("ten identical requests at once create exactly one order, and all ten get the same status and body", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id, { quantity: 2, priceMinor: 1500 });
    const key = randomUUID();

    const responses = await Promise.all(Array.from({ length: 10 }, () => placeOrder(user, key)));

    expect(await ordersOf(user.id)).toBe(1);
    expect(await createdEventsOf(user.id)).toBe(1);
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    const first = responses[0]!.body;
    expect(first.total.amountMinor).toBe(3000 + 495);
    for (const r of responses) expect(r.body).toEqual(first);
    // One did the work; the other nine were answered with its stored response.
    expect(responses.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(9);
  });

  it("a later repeat replays the stored response (idempotent-replayed: true) without new rows or events, even if the cart changed", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id);
    const key = randomUUID();
    const first = await placeOrder(user, key);
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    await fillCart(pool, user.id); // something new in the cart: a real second request would order it
    const outboxBefore = await outboxRows();
    const again = await placeOrder(user, key, { shipTo: { ...SHIP_TO } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect(await ordersOf(user.id)).toBe(1);
    expect(await outboxRows()).toBe(outboxBefore);
  });

  it("the same key with a different body is refused with 422 and does nothing", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id);
    const key = randomUUID();
    expect((await placeOrder(user, key)).status).toBe(201);
    await fillCart(pool, user.id);

    const other = await placeOrder(user, key, { shipTo: { ...SHIP_TO, line1: "99 Other Street" } });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe("validation");
    expect(other.body.errors).toEqual([{ path: "headers.idempotency-key", message: "Already used with a different request; use a new key" }]);
    // The same key on another operation is a different request too.
    const elsewhere = await api.call<Problem>("POST", `/orders/${randomUUID()}/pay`, {
      token: user.token,
      body: { cardNumber: "4242424242424242" },
      headers: { "idempotency-key": key },
    });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([422, "validation"]);
    expect(await ordersOf(user.id)).toBe(1);
  });

  it("keys belong to their user: another user's request with the same key is their own", async () => {
    const [a, b] = [await apiUser(pool), await apiUser(pool)];
    await fillCart(pool, a.id);
    await fillCart(pool, b.id);
    const key = randomUUID();
    const [ra, rb] = await Promise.all([placeOrder(a, key), placeOrder(b, key)]);
    expect([ra.status, rb.status]).toEqual([201, 201]);
    expect(ra.body.id).not.toBe(rb.body.id);
    expect([await ordersOf(a.id), await ordersOf(b.id)]).toEqual([1, 1]);
  });

  it("a missing or malformed key is a 400 and nothing is ordered", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id);
    const missing = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO } });
    expect([missing.status, missing.body.code]).toEqual([400, "idempotency_key_required"]);
    for (const bad of ["has space", "x".repeat(256), "é"]) {
      const res = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO }, headers: { "idempotency-key": bad } });
      expect([res.status, res.body.code]).toEqual([400, "idempotency_key_malformed"]);
    }
    expect(await ordersOf(user.id)).toBe(0);
    expect(await count(pool, `SELECT 1 FROM idempotency_keys WHERE user_id = $1`, [user.id])).toBe(0);
  });

  it("keys expire after 24 hours: a stored refusal is replayed until then, and afterwards the same key does new work", async () => {
    const user = await apiUser(pool);
    const key = randomUUID();
    const empty = await placeOrder(user, key);
    expect([empty.status, empty.body.code]).toEqual([422, "validation"]);

    await fillCart(pool, user.id);
    const replayed = await placeOrder(user, key);
    expect([replayed.status, replayed.headers.get("idempotent-replayed")]).toEqual([422, "true"]);
    expect(await ordersOf(user.id)).toBe(0);

    const { rows } = await pool.query<{ ttl: number }>(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [user.id, key],
    );
    expect(rows[0]!.ttl).toBe(24 * 60 * 60);
    await pool.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND key = $2`, [user.id, key]);

    const fresh = await placeOrder(user, key);
    expect(fresh.status).toBe(201);
    expect(fresh.headers.get("idempotent-replayed")).toBeNull();
    expect(await ordersOf(user.id)).toBe(1);
  });

  it("one key places at most one order even after its stored response expired (the checkout key is derived from it)", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id);
    const key = randomUUID();
    const first = await placeOrder(user, key);
    expect(first.status).toBe(201);

    await fillCart(pool, user.id);
    await pool.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND key = $2`, [user.id, key]);
    const late = await placeOrder(user, key);
    expect(late.status).toBe(200);
    expect(late.headers.get("idempotent-replayed")).toBeNull();
    expect(late.body.id).toBe(first.body.id);

    await pool.query(`DELETE FROM idempotency_keys WHERE user_id = $1`, [user.id]);
    const gone = await placeOrder(user, key);
    expect([gone.status, gone.body.id]).toEqual([200, first.body.id]);
    expect(await ordersOf(user.id)).toBe(1);
    expect(await createdEventsOf(user.id)).toBe(1);
  });
});

describe("Idempotency-Key on POST /orders/{id}/pay", () => {
  async function reservedOrder(user: ApiUser): Promise<OrderBody> {
    await fillCart(pool, user.id);
    const placed = await placeOrder(user, randomUUID());
    expect(await reserve(pool, placed.body.id)).toBe("reserved");
    return placed.body;
  }
  const attempts = (orderId: string) => count(pool, `SELECT 1 FROM payment_attempts WHERE order_id = $1`, [orderId]);
  const pay = (user: ApiUser, orderId: string, key: string, cardNumber = "4242 4242 4242 4242") =>
    api.call<OrderBody & Problem>("POST", `/orders/${orderId}/pay`, { token: user.token, body: { cardNumber }, headers: { "idempotency-key": key } });

  it("the same key sent twice is one payment attempt, one order.paid, and the same answer", async () => {
    const user = await apiUser(pool);
    const order = await reservedOrder(user);
    const key = randomUUID();
    const first = await pay(user, order.id, key);
    const second = await pay(user, order.id, key);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await attempts(order.id)).toBe(1);
    expect(await count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [order.id])).toBe(1);
  });

  it("five payments with one key at once are one attempt", async () => {
    const user = await apiUser(pool);
    const order = await reservedOrder(user);
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 5 }, () => pay(user, order.id, key)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    expect(await attempts(order.id)).toBe(1);
  });

  it("a decline is replayed for its key (no second attempt), and a new key is a new attempt", async () => {
    const user = await apiUser(pool);
    const order = await reservedOrder(user);
    const key = randomUUID();
    const declined = await pay(user, order.id, key, "4000 0000 0000 0002");
    const again = await pay(user, order.id, key, "4000 0000 0000 0002");
    expect([declined.status, again.status, again.headers.get("idempotent-replayed")]).toEqual([402, 402, "true"]);
    expect(await attempts(order.id)).toBe(1);
    // The stored answer holds no card number.
    const { rows } = await pool.query<{ body: string }>(`SELECT response_body::text AS body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, [user.id, key]);
    expect(rows[0]!.body).not.toContain("4000000000000002");
    const paid = await pay(user, order.id, randomUUID());
    expect([paid.status, paid.body.status]).toEqual([200, "paid"]);
    expect(await attempts(order.id)).toBe(2);
  });
});
