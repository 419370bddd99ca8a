/**
 * Money going back and its limits, through the real route handlers against
 * PostgreSQL and the fake card processor's own books (fake_processor.operations):
 * admin refunds (POST /admin/orders/{id}/refunds), the reconciliation of both
 * sides' books (GET /admin/payments/reconciliation), and the pay route's
 * one-charge-per-order, decline limit and processor failures. The harness
 * checks every response against the OpenAPI document.
 */
import { formatMoney } from "@/lib/domain/money";
import type { z } from "zod";
import type { OrderPaymentSchema } from "@/app/api/v1/_contract/orders";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { webLogger } from "@/lib/composition/logger";
import { getServices } from "@/lib/composition/root";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";
import { SHIP_TO } from "../support/addresses";
import { outboxEvents } from "../support/admin-orders-fixtures";
import { apiHarness, useApiDatabase, type ApiResponse } from "../support/api";
import { apiUser, count, fillCart, reserve, type ApiUser } from "../support/api-orders";

/** The order's money as the API answers it: the contract's own type. */
type Payment = z.infer<typeof OrderPaymentSchema>;
interface OrderBody {
  id: string;
  status: string;
  total: { amountMinor: number; currency: string };
  paidAt: string | null;
  refundDue: boolean;
  payment: Payment;
}
interface RefundBody {
  id: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  state: string;
  reason: string;
  createdAt: string;
}
interface Reconciliation {
  since: string;
  checkedOrders: number;
  settlingOrders: number;
  differences: { orderId: string; shopMinor: number; processorMinor: number }[];
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

const GOOD_CARD = "4242 4242 4242 4242";
const DECLINED_CARD = "4000 0000 0000 0002";
/** The fake processor fails before charging: nothing is taken, the answer is an error. */
const ERROR_BEFORE_CHARGE = "4000 0000 0000 0119";
/** The fake processor charges, then answers with an error. */
const ERROR_AFTER_CHARGE = "4000 0000 0000 0259";
/** One line at 1000 plus 495 shipping. */
const TOTAL = 1495;

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
const api = apiHarness();
let owner: ApiUser;
let admin: ApiUser;

const ENV = { PAYMENTS_FAKE_LATENCY_MS: "0", RESERVATION_TTL_SECONDS: "600" };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  stop = await useApiDatabase(db.url, ENV);
  [owner, admin] = [await apiUser(pool), await apiUser(pool, "admin")];
  // Reading the processor's books makes it create them, so the tests can count its rows from the start.
  await getServices().admin.reconcilePayments(admin);
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

const key = () => ({ "idempotency-key": randomUUID() });

async function reservedOrder(user: ApiUser = owner): Promise<OrderBody> {
  await fillCart(pool, user.id, { priceMinor: 1000 });
  const placed = await api.call<OrderBody>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO }, headers: key() });
  expect(placed.status).toBe(201);
  expect(await reserve(pool, placed.body.id)).toBe("reserved");
  return placed.body;
}

async function paidOrder(user: ApiUser = owner): Promise<OrderBody> {
  const order = await reservedOrder(user);
  const paid = await pay(order.id, GOOD_CARD, user);
  expect([paid.status, paid.body.payment.chargedMinor]).toEqual([200, TOTAL]);
  return paid.body;
}

function pay(orderId: string, cardNumber: string, user: ApiUser = owner, headers: Record<string, string> = key()) {
  return api.call<OrderBody & Problem>("POST", `/orders/${orderId}/pay`, { token: user.token, body: { cardNumber }, headers });
}

function refund(orderId: string, amountMinor: unknown, headers: Record<string, string> = key(), token = admin.token) {
  return api.call<RefundBody & Problem>("POST", `/admin/orders/${orderId}/refunds`, { token, body: { amountMinor }, headers });
}

async function orderOf(orderId: string, user: ApiUser = owner): Promise<OrderBody> {
  const res = await api.call<OrderBody>("GET", `/orders/${orderId}`, { token: user.token });
  expect(res.status).toBe(200);
  return res.body;
}

/** The processor's rows of one kind for an order ('charge', 'decline', 'refused', 'void', 'refund'). */
const processorRows = (orderId: string, kind: string) => count(pool, `SELECT 1 FROM fake_processor.operations WHERE order_id = $1 AND kind = $2`, [orderId, kind]);

async function processorSum(orderId: string, kind: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT coalesce(sum(amount_minor), 0) AS n FROM fake_processor.operations WHERE order_id = $1 AND kind = $2`, [orderId, kind]);
  return Number(rows[0]!.n);
}

const refundRows = (orderId: string) => count(pool, `SELECT 1 FROM refunds WHERE order_id = $1`, [orderId]);

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect((res.body as Problem).code).toBe(code);
}

describe("POST /admin/orders/{id}/refunds", () => {
  it("refunds part of a paid order, then the rest: 201 each, the order's payment.refundedMinor grows, one order.refunded event each", async () => {
    const order = await paidOrder();

    const first = await refund(order.id, 500);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ orderId: order.id, amountMinor: 500, currency: "USD", state: "succeeded", reason: "admin" });
    let after = await orderOf(order.id);
    expect(after.payment).toMatchObject({ chargedMinor: TOTAL, refundedMinor: 500, refundingMinor: 0, cardLast4: "4242" });
    expect(after.payment.refunds).toEqual([{ id: first.body.id, amountMinor: 500, currency: "USD", state: "succeeded", reason: "admin", createdAt: first.body.createdAt }]);
    // Still paid, so nothing is owed back: refundDue is about cancelled orders.
    expect([after.status, after.refundDue]).toEqual(["paid", false]);

    const rest = await refund(order.id, TOTAL - 500);
    expect([rest.status, rest.body.state, rest.body.amountMinor]).toEqual([201, "succeeded", TOTAL - 500]);
    after = await orderOf(order.id);
    expect([after.payment.refundedMinor, after.payment.refundingMinor]).toEqual([TOTAL, 0]);
    expect(after.payment.refunds.map((r) => r.id)).toEqual([first.body.id, rest.body.id]);

    // Parsed with the event's versioned schema, as the consumers read it.
    const events = await outboxEvents(pool, "order.refunded", order.id);
    expect(events.map((e) => e.payload)).toEqual([
      { orderId: order.id, userId: owner.id, email: owner.email, refundId: first.body.id, amountMinor: 500, currency: "USD", refundedMinor: 500, chargedMinor: TOTAL, reason: "admin" },
      { orderId: order.id, userId: owner.id, email: owner.email, refundId: rest.body.id, amountMinor: TOTAL - 500, currency: "USD", refundedMinor: TOTAL, chargedMinor: TOTAL, reason: "admin" },
    ]);
    expect(await processorSum(order.id, "refund")).toBe(TOTAL);

    // Nothing is left: even one cent more is refused.
    const more = await refund(order.id, 1);
    expectProblem(more, 422, "validation");
    expect(more.body.errors).toEqual([{ path: "body.amountMinor", message: expect.stringContaining("refunded in full") }]);
  });

  it("the back office's order JSON carries the payment too (a refunded order still ships)", async () => {
    const order = await paidOrder();
    const r = await refund(order.id, 300);
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM orders WHERE id = $1`, [order.id]);
    const shipped = await api.call<{ status: string; payment: Payment }>("POST", `/admin/orders/${order.id}/ship`, {
      token: admin.token,
      body: { expectedVersion: rows[0]!.version, trackingReference: "1Z999" },
    });
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe("shipped");
    expect(shipped.body.payment).toEqual({
      chargedMinor: TOTAL,
      refundedMinor: 300,
      refundingMinor: 0,
      voidingMinor: 0,
      cardLast4: "4242",
      refunds: [{ id: r.body.id, amountMinor: 300, currency: "USD", state: "succeeded", reason: "admin", createdAt: r.body.createdAt }],
    });
  });

  it("refuses more than is left with 422 on body.amountMinor, and writes nothing: no refund row, nothing at the processor", async () => {
    const order = await paidOrder();
    expect((await refund(order.id, 1000)).status).toBe(201);
    const before = { refunds: await refundRows(order.id), processor: await processorRows(order.id, "refund") };

    const res = await refund(order.id, TOTAL - 1000 + 1);
    expectProblem(res, 422, "validation");
    expect(res.body.errors!.map((e) => e.path)).toEqual(["body.amountMinor"]);
    // What is left, said in money ($4.95 for 495 minor units).
    expect(res.body.detail).toBe(`At most ${formatMoney({ amountMinor: TOTAL - 1000, currency: "USD" })} is left to refund.`);
    expect({ refunds: await refundRows(order.id), processor: await processorRows(order.id, "refund") }).toEqual(before);
    expect(before).toEqual({ refunds: 1, processor: 1 });
    expect((await orderOf(order.id)).payment.refundedMinor).toBe(1000);
  });

  it("refuses an amount of 0, -5, 1.5, \"10\", none, or an extra field with 422 by field, writing nothing", async () => {
    const order = await paidOrder();
    for (const amount of [0, -5, 1.5, "10", 2 ** 53, null]) {
      const res = await refund(order.id, amount);
      expectProblem(res, 422, "validation");
      expect(res.body.errors!.map((e) => e.path), JSON.stringify(amount)).toEqual(["body.amountMinor"]);
    }
    const missing = await api.call<Problem>("POST", `/admin/orders/${order.id}/refunds`, { token: admin.token, body: {}, headers: key() });
    expect(missing.body.errors!.map((e) => e.path)).toEqual(["body.amountMinor"]);
    const extra = await api.call<Problem>("POST", `/admin/orders/${order.id}/refunds`, { token: admin.token, body: { amountMinor: 10, reason: "admin" }, headers: key() });
    expectProblem(extra, 422, "validation");
    expect(extra.body.errors!.map((e) => e.path)).toEqual(["body"]);
    expect(await refundRows(order.id)).toBe(0);
    expect(await processorRows(order.id, "refund")).toBe(0);
  });

  it("answers 409 for an order that was never paid, 404 for an unknown order, 422 for a malformed id; nothing is written", async () => {
    const reserved = await reservedOrder();
    const unpaid = await refund(reserved.id, 100);
    expectProblem(unpaid, 409, "invalid_transition");
    expect(unpaid.body.detail).toContain("not been paid");
    expectProblem(await refund(randomUUID(), 100), 404, "not_found");
    const malformed = await refund("not-an-order", 100);
    expectProblem(malformed, 422, "validation");
    expect(malformed.body.errors!.map((e) => e.path)).toEqual(["params.id"]);
    expect(await refundRows(reserved.id)).toBe(0);
    expect((await orderOf(reserved.id)).status).toBe("stock_reserved");
  });

  it("is refused to customers, the order's owner included (403), to anonymous callers (401), and without an Idempotency-Key (400)", async () => {
    const order = await paidOrder();
    expectProblem(await refund(order.id, 100, key(), owner.token), 403, "forbidden");
    expectProblem(await api.call("POST", `/admin/orders/${order.id}/refunds`, { body: { amountMinor: 100 }, headers: key() }), 401, "unauthenticated");
    expectProblem(await api.call("POST", `/admin/orders/${order.id}/refunds`, { token: admin.token, body: { amountMinor: 100 } }), 400, "idempotency_key_required");
    expect(await refundRows(order.id)).toBe(0);
    expect(await processorRows(order.id, "refund")).toBe(0);
  });

  it("makes one refund per Idempotency-Key: a repeat is replayed, and still finds the refund once the stored answer is gone", async () => {
    const order = await paidOrder();
    const headers = key();
    const first = await refund(order.id, 200, headers);
    const again = await refund(order.id, 200, headers);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");

    // The stored answer expired: the refund's own key (derived from the header) still names the first refund.
    await pool.query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2`, [admin.id, headers["idempotency-key"]]);
    const late = await refund(order.id, 200, headers);
    expect([late.status, late.body.id, late.headers.get("idempotent-replayed")]).toEqual([201, first.body.id, null]);

    expect(await refundRows(order.id)).toBe(1);
    expect(await processorRows(order.id, "refund")).toBe(1);
    expect((await orderOf(order.id)).payment.refundedMinor).toBe(200);
  });

  it("of two concurrent refunds that together exceed the charge, exactly one is made (201) and the other refused (422); the processor never gives back more than it took", async () => {
    for (let round = 0; round < 3; round++) {
      const order = await paidOrder();
      const results = await Promise.all([refund(order.id, 1000), refund(order.id, 1000)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
      expect(results.find((r) => r.status === 422)!.body.errors!.map((e) => e.path)).toEqual(["body.amountMinor"]);
      expect(await refundRows(order.id)).toBe(1);
      expect(await processorSum(order.id, "refund")).toBe(1000);
      expect(await processorSum(order.id, "refund")).toBeLessThanOrEqual(await processorSum(order.id, "charge"));
    }
  });
});

describe("POST /orders/{id}/pay: one charge per order, limits and processor failures", () => {
  it("of ten concurrent payments of one order with different keys, one charges: the others are 409 payment_in_progress or 200 with the paid order; never a 5xx", async () => {
    const order = await reservedOrder();
    const results = await Promise.all(Array.from({ length: 10 }, () => pay(order.id, GOOD_CARD)));
    for (const r of results) {
      expect([200, 409], JSON.stringify(r.body)).toContain(r.status);
      if (r.status === 409) expect(r.body.code).toBe("payment_in_progress");
      if (r.status === 200) expect([r.body.status, r.body.payment.chargedMinor]).toEqual(["paid", TOTAL]);
    }
    const paid = results.filter((r) => r.status === 200);
    expect(paid.length).toBeGreaterThanOrEqual(1);
    expect(new Set(paid.map((r) => r.body.paidAt)).size).toBe(1);
    expect(await processorRows(order.id, "charge")).toBe(1);
    expect(await count(pool, `SELECT 1 FROM payment_attempts WHERE order_id = $1 AND state = 'charged'`, [order.id])).toBe(1);
    expect(await count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [order.id])).toBe(1);
  });

  it("answers 409 payment_in_progress while another attempt is in flight, and does not store it: the same key is tried again later", async () => {
    const order = await reservedOrder();
    // Another request's attempt, asked of the processor and not yet answered.
    const inFlight = randomUUID();
    await pool.query(`INSERT INTO payment_attempts (id, order_id, state, request_key, card_last4, amount_minor) VALUES ($1, $2, 'pending', 'other-request', '4242', $3)`, [
      inFlight,
      order.id,
      TOTAL,
    ]);
    const headers = key();
    const busy = await pay(order.id, GOOD_CARD, owner, headers);
    expectProblem(busy, 409, "payment_in_progress");
    expect(busy.body.detail).toContain("already being processed");
    const stillBusy = await pay(order.id, GOOD_CARD, owner, headers);
    expectProblem(stillBusy, 409, "payment_in_progress");
    expect(stillBusy.headers.get("idempotent-replayed")).toBeNull();
    expect(await processorRows(order.id, "charge")).toBe(0);

    // That attempt is declined; the same key now pays.
    await pool.query(`UPDATE payment_attempts SET state = 'declined', reason = 'card_declined' WHERE id = $1`, [inFlight]);
    const paid = await pay(order.id, GOOD_CARD, owner, headers);
    expect([paid.status, paid.body.status, paid.headers.get("idempotent-replayed")]).toEqual([200, "paid", null]);
    expect(await processorRows(order.id, "charge")).toBe(1);
  });

  it("answers the sixth decline within the hour on one order with 429 and Retry-After, asks the processor nothing, and does not store it", async () => {
    const user = await apiUser(pool);
    const order = await reservedOrder(user);
    for (let i = 0; i < 5; i++) expectProblem(await pay(order.id, DECLINED_CARD, user), 402, "payment_declined");

    const headers = key();
    const limited = await pay(order.id, DECLINED_CARD, user, headers);
    expectProblem(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(3000);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    // A good card is refused too until the window passes: the limit is on the order, not the card.
    expectProblem(await pay(order.id, GOOD_CARD, user), 429, "rate_limited");
    expect(await processorRows(order.id, "decline")).toBe(5);
    expect(await processorRows(order.id, "charge")).toBe(0);

    // An hour later the same key is tried again (the 429 was not stored as its answer).
    await pool.query(`UPDATE payment_attempts SET created_at = created_at - interval '61 minutes' WHERE order_id = $1`, [order.id]);
    const retried = await pay(order.id, DECLINED_CARD, user, headers);
    expectProblem(retried, 402, "payment_declined");
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect((await pay(order.id, GOOD_CARD, user)).status).toBe(200);
  });

  it("answers 503 when the processor gives no answer, reversing any charge; the order stays payable with a new key", async () => {
    const order = await reservedOrder();
    const headers = key();
    const before = await pay(order.id, ERROR_BEFORE_CHARGE, owner, headers);
    expectProblem(before, 503, "unavailable");
    expect(before.body.detail).toContain("was reversed");

    const after = await pay(order.id, ERROR_AFTER_CHARGE);
    expectProblem(after, 503, "unavailable");
    // The charge the processor took before failing was voided in full.
    expect(await processorSum(order.id, "charge")).toBe(TOTAL);
    expect(await processorSum(order.id, "void")).toBe(TOTAL);
    let now = await orderOf(order.id);
    expect([now.status, now.payment.chargedMinor, now.payment.voidingMinor]).toEqual(["stock_reserved", 0, 0]);

    // Not stored: the same key is tried again, and told its attempt is over.
    const again = await pay(order.id, ERROR_BEFORE_CHARGE, owner, headers);
    expectProblem(again, 409, "conflict");
    expect(again.headers.get("idempotent-replayed")).toBeNull();

    expect((await pay(order.id, GOOD_CARD)).status).toBe(200);
    now = await orderOf(order.id);
    expect([now.status, now.payment.chargedMinor]).toEqual(["paid", TOTAL]);
  });
});

describe("GET /admin/payments/reconciliation", () => {
  it("finds the books agreeing after the charges, voids and refunds above", async () => {
    const res = await api.call<Reconciliation>("GET", "/admin/payments/reconciliation", { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.differences).toEqual([]);
    expect(res.body.settlingOrders).toBe(0);
    // Every order either side has money records for (declines take no money at the processor).
    const known = await count(pool, `SELECT order_id FROM payment_attempts UNION SELECT order_id FROM fake_processor.operations WHERE kind IN ('charge', 'void', 'refund')`, []);
    expect(res.body.checkedOrders).toBe(known);
    expect(known).toBeGreaterThanOrEqual(10);
    expect(Date.now() - Date.parse(res.body.since)).toBeGreaterThan(29 * 86_400_000);
  });

  it("shows a charge the shop has no record of, on an order it knows and on one it does not", async () => {
    const order = await paidOrder();
    const stranger = randomUUID();
    const bogus = [`bogus-${randomUUID()}`, `bogus-${randomUUID()}`];
    await pool.query(
      `INSERT INTO fake_processor.operations (key, kind, order_id, amount_minor, currency, reference) VALUES ($1, 'charge', $2, 700, 'USD', 'bogus'), ($3, 'charge', $4, 250, 'USD', 'bogus')`,
      [bogus[0], order.id, bogus[1], stranger],
    );
    try {
      const res = await api.call<Reconciliation>("GET", "/admin/payments/reconciliation", { token: admin.token });
      expect(res.status).toBe(200);
      expect(res.body.differences).toEqual(
        expect.arrayContaining([
          { orderId: order.id, shopMinor: TOTAL, processorMinor: TOTAL + 700 },
          { orderId: stranger, shopMinor: 0, processorMinor: 250 },
        ]),
      );
      expect(res.body.differences).toHaveLength(2);
      // Before `since`, nothing is compared.
      const later = await api.call<Reconciliation>("GET", "/admin/payments/reconciliation", {
        token: admin.token,
        query: { since: new Date(Date.now() + 60_000).toISOString() },
      });
      expect([later.status, later.body.checkedOrders, later.body.differences]).toEqual([200, 0, []]);
    } finally {
      await pool.query(`DELETE FROM fake_processor.operations WHERE key = ANY($1)`, [bogus]);
    }
    const fixed = await api.call<Reconciliation>("GET", "/admin/payments/reconciliation", { token: admin.token, query: { since: "2020-01-01T00:00:00+01:00" } });
    expect(fixed.body.differences).toEqual([]);
  });

  it("refuses a since that is not an ISO date-time, unknown parameters, customers and anonymous callers", async () => {
    for (const query of [{ since: "yesterday" }, { since: "2026-02-30T00:00:00Z" }, { since: "2026-01-01" }, { since: "1969-12-31T23:59:59Z" }]) {
      const res = await api.call<Problem>("GET", "/admin/payments/reconciliation", { token: admin.token, query });
      expectProblem(res, 422, "validation");
      expect(res.body.errors!.map((e) => e.path)).toEqual(["query.since"]);
    }
    expectProblem(await api.call("GET", "/admin/payments/reconciliation", { token: admin.token, query: { until: "2026-01-01T00:00:00Z" } }), 422, "validation");
    expectProblem(await api.call("GET", "/admin/payments/reconciliation", { token: owner.token }), 403, "forbidden");
    expectProblem(await api.call("GET", "/admin/payments/reconciliation"), 401, "unauthenticated");
  });
});

describe("a refund the processor does not confirm at once", () => {
  beforeAll(async () => {
    // The processor fails every refund's first call: the request's own try.
    await stop();
    stop = await useApiDatabase(db.url, { ...ENV, PAYMENTS_FAKE_FAIL_FIRST: "refund:1" });
  });

  afterAll(() => {
    delete process.env.PAYMENTS_FAKE_FAIL_FIRST;
  });

  it("is 201 pending (refundingMinor), and the worker's retry makes it (refundedMinor, order.refunded)", async () => {
    // The services report the failed first try through the web's logger (getServices).
    const warn = vi.spyOn(webLogger(), "warn").mockImplementation(() => undefined);
    try {
      const order = await paidOrder();
      const res = await refund(order.id, 400);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ amountMinor: 400, state: "pending", reason: "admin" });
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`refund ${res.body.id}`), expect.objectContaining({ err: expect.anything() }));
      expect((await orderOf(order.id)).payment).toMatchObject({ refundedMinor: 0, refundingMinor: 400 });
      expect(await processorRows(order.id, "refund")).toBe(0);
      expect(await outboxEvents(pool, "order.refunded", order.id)).toEqual([]);

      // The worker's round, once the retry is due.
      await pool.query(`UPDATE refunds SET next_attempt_at = now() WHERE id = $1`, [res.body.id]);
      expect((await getServices().worker.settlePayments(10)).refunded).toBe(1);
      const after = await orderOf(order.id);
      expect(after.payment).toMatchObject({ refundedMinor: 400, refundingMinor: 0 });
      expect(after.payment.refunds).toEqual([expect.objectContaining({ id: res.body.id, state: "succeeded" })]);
      expect(await processorSum(order.id, "refund")).toBe(400);
      expect((await outboxEvents(pool, "order.refunded", order.id)).map((e) => e.payload.refundId)).toEqual([res.body.id]);
    } finally {
      warn.mockRestore();
    }
  });
});
