/**
 * /api/v1/orders through the real route handlers (in-process) against
 * PostgreSQL. The harness fails any response whose status or body the OpenAPI
 * document does not describe, so every call here is also a contract check.
 */
import type { z } from "zod";
import type { OrderPaymentSchema } from "@/app/api/v1/_contract/orders";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";
import { SHIP_TO } from "../support/addresses";
import { apiHarness, useApiDatabase, type ApiResponse } from "../support/api";
import { apiUser, count, fillCart, reserve, type ApiUser } from "../support/api-orders";

interface Money {
  amountMinor: number;
  currency: string;
}
interface OrderBody {
  id: string;
  status: string;
  cancellationReason: string | null;
  subtotal: Money;
  shipping: Money;
  total: Money;
  shipTo: Record<string, string | null> | null;
  lines: { productId: string; sku: string; name: string; unitPrice: Money; quantity: number; lineTotal: Money }[];
  trackingReference: string | null;
  timeline: { status: string; description: string; reason: string | null; at: string }[];
  reservedUntil: string | null;
  paidAt: string | null;
  refundDue: boolean;
  payment: z.infer<typeof OrderPaymentSchema>;
  createdAt: string;
  updatedAt: string;
}
interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
  declineReason?: string;
}
interface Page {
  items: OrderBody[];
  next: string | null;
}

const GOOD_CARD = "4242 4242 4242 4242";
const DECLINED_CARD = "4000 0000 0000 0002";

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
const api = apiHarness();
let owner: ApiUser;
let other: ApiUser;
let admin: ApiUser;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  stop = await useApiDatabase(db.url, { PAYMENTS_FAKE_LATENCY_MS: "0", RESERVATION_TTL_SECONDS: "600" });
  [owner, other, admin] = [await apiUser(pool), await apiUser(pool), await apiUser(pool, "admin")];
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

const key = () => ({ "idempotency-key": randomUUID() });

/** Places an order for `user` through the API from a freshly filled cart. */
async function placed(user: ApiUser, init: { priceMinor?: number; quantity?: number } = {}): Promise<OrderBody> {
  await fillCart(pool, user.id, init);
  const res = await api.call<OrderBody>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO }, headers: key() });
  expect(res.status).toBe(201);
  return res.body;
}

async function reservedOrder(user: ApiUser = owner): Promise<OrderBody> {
  const order = await placed(user);
  expect(await reserve(pool, order.id)).toBe("reserved");
  return order;
}

async function statusOf(orderId: string): Promise<string> {
  const { rows } = await pool.query<{ status: string }>(`SELECT status FROM orders WHERE id = $1`, [orderId]);
  return rows[0]!.status;
}

const ordersOf = (userId: string) => count(pool, `SELECT 1 FROM orders WHERE user_id = $1`, [userId]);

function expectProblem(res: ApiResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  expect((res.body as Problem).code).toBe(code);
}

describe("POST /orders", () => {
  it("places the order from the caller's cart: 201, priced on the server, cart emptied, order.created in the outbox", async () => {
    const productId = await fillCart(pool, owner.id, { priceMinor: 1250, quantity: 2 });
    const res = await api.call<OrderBody>("POST", "/orders", {
      token: owner.token,
      body: { shipTo: { ...SHIP_TO, line2: "  Apt\t4  ", postalCode: "94107" }, expectedTotalMinor: 2500 + 495 },
      headers: key(),
    });
    expect(res.status).toBe(201);
    const order = res.body;
    expect(order.status).toBe("pending");
    expect(order.lines).toEqual([
      expect.objectContaining({ productId, quantity: 2, unitPrice: { amountMinor: 1250, currency: "USD" }, lineTotal: { amountMinor: 2500, currency: "USD" } }),
    ]);
    expect([order.subtotal.amountMinor, order.shipping.amountMinor, order.total.amountMinor]).toEqual([2500, 495, 2995]);
    // The domain's address rules ran: whitespace tidied.
    expect(order.shipTo).toEqual({ ...SHIP_TO, line2: "Apt 4" });
    expect(order.timeline.map((t) => t.status)).toEqual(["pending"]);
    expect([order.reservedUntil, order.paidAt, order.refundDue, order.cancellationReason]).toEqual([null, null, false, null]);
    expect(order.payment).toEqual({ chargedMinor: 0, refundedMinor: 0, refundingMinor: 0, voidingMinor: 0, cardLast4: null, refunds: [] });

    const cart = await getServices().cart.getCart(userCartOwner(owner.id));
    expect(cart.cart.lines).toEqual([]);
    expect(await count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.created' AND aggregate_id = $1`, [order.id])).toBe(1);
    const fetched = await api.call<OrderBody>("GET", `/orders/${order.id}`, { token: owner.token });
    expect(fetched.body).toEqual(order);
  });

  it("refuses an empty cart with 422 (path cart) and orders nothing", async () => {
    const user = await apiUser(pool);
    const res = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO }, headers: key() });
    expectProblem(res, 422, "validation");
    expect(res.body.errors).toEqual([{ path: "cart", message: "empty" }]);
    expect(await ordersOf(user.id)).toBe(0);
  });

  it("refuses a total that changed since the caller showed it with 422 (path body.expectedTotalMinor), keeping the cart", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id, { priceMinor: 1000 });
    const res = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO, expectedTotalMinor: 1000 }, headers: key() });
    expectProblem(res, 422, "validation");
    expect(res.body.errors).toEqual([{ path: "body.expectedTotalMinor", message: "changed" }]);
    expect(res.body.detail).toContain("$14.95");
    expect(await ordersOf(user.id)).toBe(0);
    expect((await getServices().cart.getCart(userCartOwner(user.id))).cart.lines).toHaveLength(1);
  });

  it("refuses a cart holding a product that is no longer sold with 422 (path cart)", async () => {
    const user = await apiUser(pool);
    const productId = await fillCart(pool, user.id);
    await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [productId]);
    const res = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: SHIP_TO }, headers: key() });
    expectProblem(res, 422, "validation");
    expect(res.body.errors).toEqual([{ path: "cart", message: "no longer sold" }]);
    expect(res.body.detail).toContain("no longer sold");
    expect(await ordersOf(user.id)).toBe(0);
  });

  it("validates the address with the domain's rules: every bad field by its path, nothing ordered", async () => {
    const user = await apiUser(pool);
    await fillCart(pool, user.id);
    const res = await api.call<Problem>("POST", "/orders", {
      token: user.token,
      body: { shipTo: { ...SHIP_TO, name: "   ", postalCode: "K1A 0B1", country: "ZZ" }, expectedTotalMinor: 12.5, extra: 1 },
      headers: key(),
    });
    expectProblem(res, 422, "validation");
    const paths = res.body.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.shipTo.name", "body.shipTo.country", "body.expectedTotalMinor", "body"]));
    const us = await api.call<Problem>("POST", "/orders", { token: user.token, body: { shipTo: { ...SHIP_TO, postalCode: "K1A 0B1" } }, headers: key() });
    expect(us.body.errors).toEqual([{ path: "body.shipTo.postalCode", message: "Enter a United States postal code, like 94107" }]);
    const missing = await api.call<Problem>("POST", "/orders", { token: user.token, body: {}, headers: key() });
    expect(missing.body.errors!.map((e) => e.path)).toEqual(["body.shipTo"]);
    expect(await ordersOf(user.id)).toBe(0);
  });

  it("answers 400 to malformed JSON and to a missing Idempotency-Key, 401 without a valid token", async () => {
    await fillCart(pool, other.id);
    expectProblem(await api.call("POST", "/orders", { token: other.token, rawBody: '{"shipTo":', headers: key() }), 400, "malformed_json");
    expectProblem(await api.call("POST", "/orders", { token: other.token, body: { shipTo: SHIP_TO } }), 400, "idempotency_key_required");
    expectProblem(await api.call("POST", "/orders", { body: { shipTo: SHIP_TO }, headers: key() }), 401, "unauthenticated");
    expectProblem(await api.call("POST", "/orders", { token: "not.a.token", body: { shipTo: SHIP_TO }, headers: key() }), 401, "unauthenticated");
    expect(await ordersOf(other.id)).toBe(0);
  });
});

describe("GET /orders", () => {
  it("lists only the caller's orders, newest first, in pages that follow the next cursor", async () => {
    const user = await apiUser(pool);
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await placed(user)).id);
    await placed(other);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: ApiResponse<Page> = await api.call<Page>("GET", "/orders", { token: user.token, query: { limit: "2", ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((o) => o.id));
      cursor = res.body.next;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...mine].reverse());

    const all = await api.call<Page>("GET", "/orders", { token: user.token });
    expect(all.body.items.map((o) => o.id)).toEqual([...mine].reverse());
    expect(all.body.next).toBeNull();
  });

  it("is stable under inserts and ties: an order placed between pages shifts nothing, equal creation times are ordered by id", async () => {
    const user = await apiUser(pool);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await placed(user)).id);
    // Two pairs placed in the same millisecond.
    await pool.query(`UPDATE orders SET created_at = '2026-01-01T10:00:00.000Z' WHERE id = ANY($1)`, [ids.slice(0, 2)]);
    await pool.query(`UPDATE orders SET created_at = '2026-01-01T09:00:00.000Z' WHERE id = ANY($1)`, [ids.slice(2, 4)]);
    const expected = [...ids.slice(0, 2).sort().reverse(), ...ids.slice(2, 4).sort().reverse()];

    const first = await api.call<Page>("GET", "/orders", { token: user.token, query: { limit: "1" } });
    const second = await api.call<Page>("GET", "/orders", { token: user.token, query: { limit: "2", cursor: first.body.next! } });
    const newer = await placed(user);
    const third = await api.call<Page>("GET", "/orders", { token: user.token, query: { limit: "2", cursor: second.body.next! } });
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((o) => o.id)).toEqual(expected);
    expect(third.body.next).toBeNull();
    const fresh = await api.call<Page>("GET", "/orders", { token: user.token, query: { limit: "1" } });
    expect(fresh.body.items.map((o) => o.id)).toEqual([newer.id]);
  });

  it("refuses a limit outside 1..100, a cursor it did not make and unknown parameters with 422 by path", async () => {
    const cases: [Record<string, string>, string][] = [
      [{ limit: "101" }, "query.limit"],
      [{ limit: "0" }, "query.limit"],
      [{ limit: "ten" }, "query.limit"],
      [{ cursor: "bm90LWEtY3Vyc29y" }, "query.cursor"],
      [{ cursor: "!!" }, "query.cursor"],
      [{ page: "2" }, "query"],
    ];
    for (const [query, path] of cases) {
      const res = await api.call<Problem>("GET", "/orders", { token: owner.token, query });
      expectProblem(res, 422, "validation");
      expect(res.body.errors!.map((e) => e.path), JSON.stringify(query)).toContain(path);
    }
    expect((await api.call<Page>("GET", "/orders", { token: owner.token, query: { limit: "100" } })).status).toBe(200);
  });

  it("answers 401 without a token, and an admin sees only their own orders here", async () => {
    expectProblem(await api.call("GET", "/orders"), 401, "unauthenticated");
    await placed(owner);
    const asAdmin = await api.call<Page>("GET", "/orders", { token: admin.token, query: { limit: "100" } });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.items).toEqual([]);
  });
});

describe("GET /orders/{id}", () => {
  it("gives the owner the whole order, with the timeline as ISO dates and the tracking reference once shipped", async () => {
    const order = await reservedOrder();
    const reserved = await api.call<OrderBody>("GET", `/orders/${order.id}`, { token: owner.token });
    expect(reserved.body.status).toBe("stock_reserved");
    expect(new Date(reserved.body.reservedUntil!).getTime()).toBeGreaterThan(Date.now());
    await api.call("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM orders WHERE id = $1`, [order.id]);
    await getServices().admin.orders.ship(admin, { orderId: order.id, expectedVersion: rows[0]!.version, trackingReference: "1Z999AA10123456784" });

    const res = await api.call<OrderBody>("GET", `/orders/${order.id}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("shipped");
    expect(res.body.trackingReference).toBe("1Z999AA10123456784");
    expect(res.body.timeline.map((t) => t.status)).toEqual(["pending", "stock_reserved", "paid", "shipped"]);
    expect(res.body.timeline.at(-1)!.description).toBe("Shipped — tracking 1Z999AA10123456784");
    for (const t of res.body.timeline) expect(new Date(t.at).toISOString()).toBe(t.at);
    expect(res.body.paidAt).not.toBeNull();
    expect(res.body.reservedUntil).toBeNull();
    // Nothing internal: no user id, no version, no admin id.
    expect(res.text).not.toContain(owner.id);
    expect(res.text).not.toContain(admin.id);
    expect(res.body).not.toHaveProperty("version");
  });

  it("answers 404 to another customer, to an admin (these are the shopper's routes) and for an unknown id; 422 for a malformed id; 401 anonymous", async () => {
    const order = await placed(owner);
    for (const who of [other, admin]) {
      const res = await api.call<Problem>("GET", `/orders/${order.id}`, { token: who.token });
      expectProblem(res, 404, "not_found");
      expect(res.text).not.toContain(owner.email);
    }
    expectProblem(await api.call("GET", `/orders/${randomUUID()}`, { token: owner.token }), 404, "not_found");
    const bad = await api.call<Problem>("GET", "/orders/not-a-uuid", { token: owner.token });
    expectProblem(bad, 422, "validation");
    expect(bad.body.errors!.map((e) => e.path)).toEqual(["params.id"]);
    expectProblem(await api.call("GET", `/orders/${order.id}`), 401, "unauthenticated");
  });
});

describe("POST /orders/{id}/pay", () => {
  it("pays a reserved order: 200 paid, the timeline has the payment, one applied charge, order.paid emitted; the card number is never echoed", async () => {
    const order = await reservedOrder();
    const res = await api.call<OrderBody>("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("paid");
    expect(res.body.paidAt).not.toBeNull();
    expect(res.body.reservedUntil).toBeNull();
    expect(res.body.timeline.map((t) => t.status)).toEqual(["pending", "stock_reserved", "paid"]);
    expect(res.text).not.toMatch(/4242\s?4242\s?4242/);
    expect(res.body.payment).toEqual({ chargedMinor: order.total.amountMinor, refundedMinor: 0, refundingMinor: 0, voidingMinor: 0, cardLast4: "4242", refunds: [] });
    const { rows } = await pool.query(`SELECT state, applied_at IS NOT NULL AS applied, card_last4, amount_minor FROM payment_attempts WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ state: "charged", applied: true, card_last4: "4242", amount_minor: order.total.amountMinor }]);
    expect(await count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [order.id])).toBe(1);

    // Paying it again (a new key) changes nothing and answers with the paid order.
    const again = await api.call<OrderBody>("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expect([again.status, again.body.status]).toEqual([200, "paid"]);
    expect(await count(pool, `SELECT 1 FROM payment_attempts WHERE order_id = $1`, [order.id])).toBe(1);
  });

  it("answers 402 payment_declined to a declined card (order still payable, nothing echoed); a new key with another card pays", async () => {
    const order = await reservedOrder();
    const declined = await api.call<Problem>("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: DECLINED_CARD }, headers: key() });
    expectProblem(declined, 402, "payment_declined");
    expect(declined.body.declineReason).toBe("card_declined");
    expect(declined.body.detail).toContain("declined");
    expect(declined.text.replace(/\s/g, "")).not.toContain("4000000000000002");
    expect(await statusOf(order.id)).toBe("stock_reserved");

    const invalid = await api.call<Problem>("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: "4242 4242 4242 4241" }, headers: key() });
    expectProblem(invalid, 402, "payment_declined");
    expect(invalid.body.declineReason).toBe("invalid_card");

    const paid = await api.call<OrderBody>("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expect([paid.status, paid.body.status]).toEqual([200, "paid"]);
    const { rows } = await pool.query(`SELECT state, reason FROM payment_attempts WHERE order_id = $1 ORDER BY created_at`, [order.id]);
    expect(rows).toEqual([
      { state: "declined", reason: "card_declined" },
      { state: "declined", reason: "invalid_card" },
      { state: "charged", reason: null },
    ]);
  });

  it("answers 409 when the order cannot be paid: still pending, cancelled, or its reservation lapsed; nothing is charged", async () => {
    const pending = await placed(owner);
    const p = await api.call<Problem>("POST", `/orders/${pending.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expectProblem(p, 409, "invalid_transition");
    expect(p.body.detail).toContain("still reserving");

    const cancelled = await reservedOrder();
    await api.call("POST", `/orders/${cancelled.id}/cancel`, { token: owner.token });
    expectProblem(await api.call("POST", `/orders/${cancelled.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() }), 409, "invalid_transition");

    const lapsed = await reservedOrder();
    await pool.query(`UPDATE orders SET reserved_until = now() - interval '1 second' WHERE id = $1`, [lapsed.id]);
    const l = await api.call<Problem>("POST", `/orders/${lapsed.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expectProblem(l, 409, "invalid_transition");
    expect(l.body.detail).toContain("expired");

    expect(await count(pool, `SELECT 1 FROM payment_attempts WHERE order_id = ANY($1)`, [[pending.id, cancelled.id, lapsed.id]])).toBe(0);
  });

  it("answers 404 to another customer, an admin and an unknown order; 401 anonymous; 400 without a key; 422 for a bad card number; nothing charged", async () => {
    const order = await reservedOrder();
    for (const who of [other, admin]) {
      expectProblem(await api.call("POST", `/orders/${order.id}/pay`, { token: who.token, body: { cardNumber: GOOD_CARD }, headers: key() }), 404, "not_found");
    }
    expectProblem(await api.call("POST", `/orders/${randomUUID()}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() }), 404, "not_found");
    expectProblem(await api.call("POST", `/orders/${order.id}/pay`, { body: { cardNumber: GOOD_CARD }, headers: key() }), 401, "unauthenticated");
    expectProblem(await api.call("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD } }), 400, "idempotency_key_required");
    expectProblem(await api.call("POST", `/orders/${order.id}/pay`, { token: owner.token, rawBody: "{", headers: key() }), 400, "malformed_json");
    for (const body of [{ cardNumber: "4242-abcd" }, { cardNumber: "1234" }, { cardNumber: 4242424242424242 }, {}, { cardNumber: GOOD_CARD, cvc: "123" }]) {
      const res = await api.call<Problem>("POST", `/orders/${order.id}/pay`, { token: owner.token, body, headers: key() });
      expectProblem(res, 422, "validation");
      expect(res.body.errors!.map((e) => e.path)[0]).toMatch(/^body/);
      expect(res.text).not.toContain("4242424242424242");
    }
    const malformedId = await api.call<Problem>("POST", "/orders/123/pay", { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    expect(malformedId.body.errors!.map((e) => e.path)).toEqual(["params.id"]);
    expect(await statusOf(order.id)).toBe("stock_reserved");
    expect(await count(pool, `SELECT 1 FROM payment_attempts WHERE order_id = $1`, [order.id])).toBe(0);
  });
});

describe("POST /orders/{id}/cancel", () => {
  it("cancels the owner's order: 200 with the reason and the timeline entry; again is still 200; order.cancelled once", async () => {
    const order = await reservedOrder();
    const res = await api.call<OrderBody>("POST", `/orders/${order.id}/cancel`, { token: owner.token });
    expect(res.status).toBe(200);
    expect([res.body.status, res.body.cancellationReason, res.body.refundDue, res.body.reservedUntil]).toEqual(["cancelled", "customer_request", false, null]);
    expect(res.body.timeline.at(-1)).toEqual(expect.objectContaining({ status: "cancelled", reason: "customer_request", description: "Cancelled by you" }));
    const again = await api.call<OrderBody>("POST", `/orders/${order.id}/cancel`, { token: owner.token });
    expect([again.status, again.body.status]).toEqual([200, "cancelled"]);
    expect(await count(pool, `SELECT 1 FROM outbox_events WHERE type = 'order.cancelled' AND aggregate_id = $1`, [order.id])).toBe(1);
  });

  it("gives a paid order's charge back: the whole charge is being refunded (reason cancellation) and refundDue holds until it is", async () => {
    const order = await reservedOrder();
    await api.call("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    const res = await api.call<OrderBody>("POST", `/orders/${order.id}/cancel`, { token: owner.token });
    expect([res.status, res.body.status, res.body.refundDue]).toEqual([200, "cancelled", true]);
    const total = order.total.amountMinor;
    expect(res.body.payment).toMatchObject({ chargedMinor: total, refundedMinor: 0, refundingMinor: total, cardLast4: "4242" });
    expect(res.body.payment.refunds).toEqual([expect.objectContaining({ amountMinor: total, currency: "USD", state: "pending", reason: "cancellation" })]);
    expect((await api.call<OrderBody>("GET", `/orders/${order.id}`, { token: owner.token })).body.payment).toEqual(res.body.payment);
  });

  it("answers 409 once the order has shipped, and leaves it shipped", async () => {
    const order = await reservedOrder();
    await api.call("POST", `/orders/${order.id}/pay`, { token: owner.token, body: { cardNumber: GOOD_CARD }, headers: key() });
    const { rows } = await pool.query<{ version: number }>(`SELECT version FROM orders WHERE id = $1`, [order.id]);
    await getServices().admin.orders.ship(admin, { orderId: order.id, expectedVersion: rows[0]!.version, trackingReference: "TRACK-1" });
    const res = await api.call<Problem>("POST", `/orders/${order.id}/cancel`, { token: owner.token });
    expectProblem(res, 409, "invalid_transition");
    expect(res.body.detail).toContain("shipped");
    expect(await statusOf(order.id)).toBe("shipped");
  });

  it("answers 404 to another customer, an admin and an unknown order; 422 for a malformed id; 401 anonymous; the order stays as it was", async () => {
    const order = await placed(owner);
    for (const who of [other, admin]) expectProblem(await api.call("POST", `/orders/${order.id}/cancel`, { token: who.token }), 404, "not_found");
    expectProblem(await api.call("POST", `/orders/${randomUUID()}/cancel`, { token: owner.token }), 404, "not_found");
    expectProblem(await api.call("POST", "/orders/nope/cancel", { token: owner.token }), 422, "validation");
    expectProblem(await api.call("POST", `/orders/${order.id}/cancel`), 401, "unauthenticated");
    expectProblem(await api.call("POST", `/orders/${order.id}/cancel`, { token: "x.y.z" }), 401, "unauthenticated");
    expect(await statusOf(order.id)).toBe("pending");
  });
});
