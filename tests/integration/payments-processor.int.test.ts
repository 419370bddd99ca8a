/**
 * The processor fails: no answer, an error after charging, voids and refunds
 * that fail before they succeed, a web instance that died mid-payment. Every
 * case converges through the worker's settlement to books that agree.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { isAppError } from "@/lib/domain/errors";
import { FakePaymentProvider, TEST_CARDS } from "@/lib/infrastructure/payments/fake-payment-provider";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";
import { expectBooksBalance, insertAdmin, processorCounts, reservedOrder, settleAll, workerAhead } from "../support/payments";

let db: TestDatabase;
let pool: pg.Pool;
let worker: ReturnType<typeof servicesFor>;
let admin: Awaited<ReturnType<typeof insertAdmin>>;
const opened: { close(): Promise<void> }[] = [];

const web = (extra: Record<string, string> = {}) => {
  const s = servicesFor(db.url, { RESERVATION_TTL_SECONDS: "3600", PAYMENTS_FAKE_LATENCY_MS: "0", PAYMENTS_TIMEOUT_MS: "400", ...extra });
  opened.push(s);
  return s;
};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  worker = workerAhead(db.url);
  admin = await insertAdmin(pool);
});

afterAll(async () => {
  await Promise.all([...opened.map((s) => s.close()), worker?.close()]);
  await pool?.end();
  await db?.drop();
});

const attemptStates = async (orderId: string) =>
  (await pool.query<{ state: string }>(`SELECT state FROM payment_attempts WHERE order_id = $1 ORDER BY created_at`, [orderId])).rows.map((r) => r.state);

describe("the fake processor's own books", () => {
  it("answers a repeated key once, bars a charge voided before it arrived, and refuses refunds beyond the charge", async () => {
    const processor = new FakePaymentProvider({ databaseUrl: db.url, latencyMs: 0 });
    opened.push(processor);
    const signal = new AbortController().signal;
    const orderId = randomUUID();
    const amount = { amountMinor: 1000, currency: "USD" };
    const charge = (key: string, cardNumber: string = TEST_CARDS.pays) => processor.charge({ key, orderId, amount, cardNumber, description: "" }, signal);
    const first = await charge("c1");
    expect(first.ok).toBe(true);
    expect(await Promise.all([charge("c1"), charge("c1")])).toEqual([first, first]);
    expect(await charge("c2", TEST_CARDS.declined)).toEqual({ ok: false, reason: "card_declined" });
    expect(await charge("c3", "4242424242424241")).toEqual({ ok: false, reason: "invalid_card" });
    // A void before the charge: the late charge is refused, nothing is taken.
    expect(await processor.void({ key: "v4", chargeKey: "c4", orderId }, signal)).toEqual({ voided: false });
    expect(await charge("c4")).toEqual({ ok: false, reason: "voided" });
    // Refunds: up to the charge, each key once.
    await processor.refund({ key: "r1", chargeKey: "c1", orderId, amount: { amountMinor: 600, currency: "USD" } }, signal);
    await processor.refund({ key: "r1", chargeKey: "c1", orderId, amount: { amountMinor: 600, currency: "USD" } }, signal);
    await expect(processor.refund({ key: "r2", chargeKey: "c1", orderId, amount: { amountMinor: 401, currency: "USD" } }, signal)).rejects.toThrow(/exceed/);
    await expect(processor.void({ key: "v1", chargeKey: "c1", orderId }, signal)).rejects.toThrow(/refunded/);
    expect((await processor.netByOrder(new Date(0))).get(orderId)).toBe(400);
    await expect(processor.charge({ key: "c5", orderId, amount, cardNumber: TEST_CARDS.errorBeforeCharge, description: "" }, signal)).rejects.toThrow(/nothing charged/);
    expect(await processorCounts(pool, [orderId])).toEqual({
      charge: { n: 1, amount: 1000 },
      decline: { n: 2, amount: 0 },
      refused: { n: 1, amount: 0 },
      void: { n: 1, amount: 0 },
      refund: { n: 1, amount: 600 },
    });
    // An order the shop never had: out of the books the later reconciliation reads.
    await pool.query(`DELETE FROM fake_processor.operations WHERE order_id = $1`, [orderId]);
  });
});

describe("payments when the processor fails", () => {
  it("voids a charge the processor made but never answered (timeout), and a new attempt pays", async () => {
    const shop = web();
    const { user, order } = await reservedOrder(shop, pool);
    const timedOut = await shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: TEST_CARDS.chargesThenHangs, paymentKey: randomUUID() }).catch((e: unknown) => e);
    expect(isAppError(timedOut, "unavailable")).toBe(true);
    expect((timedOut as Error).message).toMatch(/was reversed/);
    expect(await attemptStates(order.id)).toEqual(["voided"]);
    expect((await shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() })).paid).toBe(true);
    expect(await processorCounts(pool, [order.id])).toEqual({ charge: { n: 2, amount: 2 * (999 + 495) }, void: { n: 1, amount: 999 + 495 } });
  });

  it("voids a charge answered with an error, and one whose processor failed before charging bars its key", async () => {
    const shop = web();
    for (const card of [TEST_CARDS.errorAfterCharge, TEST_CARDS.errorBeforeCharge]) {
      const { user, order } = await reservedOrder(shop, pool);
      const failed = await shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: card, paymentKey: randomUUID() }).catch((e: unknown) => e);
      expect(isAppError(failed, "unavailable")).toBe(true);
      expect(await attemptStates(order.id)).toEqual(["voided"]);
      const expected = card === TEST_CARDS.errorAfterCharge ? { charge: { n: 1, amount: 1494 }, void: { n: 1, amount: 1494 } } : { void: { n: 1, amount: 0 } };
      expect(await processorCounts(pool, [order.id])).toEqual(expected);
      expect((await shop.orders.getForUser(user.id, order.id)).status).toBe("stock_reserved");
    }
  });

  it("keeps a void that fails owed on the order until the worker makes it", async () => {
    // The web instance's processor client fails every void twice; the worker's does not.
    const shop = web({ PAYMENTS_FAKE_LATENCY_MS: "150", PAYMENTS_FAKE_FAIL_FIRST: "void:2" });
    const { user, order } = await reservedOrder(shop, pool);
    const [paid] = await Promise.allSettled([
      shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() }),
      new Promise((r) => setTimeout(r, 40)).then(() => shop.orders.cancelOrder({ userId: user.id, orderId: order.id })),
    ]);
    expect(paid.status === "rejected" && isAppError(paid.reason, "conflict") && paid.reason.message).toMatch(/will be reversed/);
    expect(await attemptStates(order.id)).toEqual(["void_pending"]);
    const owed = await shop.orders.getForUser(user.id, order.id);
    expect([owed.status, owed.payment.voidingMinor, owed.payment.chargedMinor]).toEqual(["cancelled", 1494, 0]);
    const settled = await settleAll(worker);
    expect(settled.voided).toBe(1);
    expect(await attemptStates(order.id)).toEqual(["voided"]);
    expect((await shop.orders.getForUser(user.id, order.id)).payment.voidingMinor).toBe(0);
  });

  it("makes a refund the processor refused twice, once, and tells the shopper once", async () => {
    const shop = web({ PAYMENTS_FAKE_FAIL_FIRST: "refund:2" });
    const { user, order } = await reservedOrder(shop, pool);
    await shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() });
    const refund = await shop.admin.refundOrder(admin, { orderId: order.id, amountMinor: 500, requestKey: randomUUID() });
    expect(refund.state).toBe("pending");
    expect((await shop.orders.getForUser(user.id, order.id)).payment).toMatchObject({ refundingMinor: 500, refundedMinor: 0 });
    // The worker's first retry succeeds (its client has no outage); a second round finds nothing.
    expect((await settleAll(worker)).refunded).toBe(1);
    expect((await shop.orders.getForUser(user.id, order.id)).payment).toMatchObject({ refundingMinor: 0, refundedMinor: 500 });
    const { rows } = await pool.query(`SELECT payload FROM outbox_events WHERE type = 'order.refunded' AND aggregate_id = $1`, [order.id]);
    expect(rows.map((r) => r.payload)).toEqual([
      { orderId: order.id, userId: user.id, email: user.email, refundId: refund.id, amountMinor: 500, currency: "USD", refundedMinor: 500, chargedMinor: 1494, reason: "admin" },
    ]);
  });

  it("finishes what a web instance that died mid-payment left: no answer recorded → voided; charged but not applied → applied", async () => {
    const shop = web();
    const lost = await reservedOrder(shop, pool);
    const charged = await reservedOrder(shop, pool);
    const processor = new FakePaymentProvider({ databaseUrl: db.url, latencyMs: 0 });
    opened.push(processor);
    const signal = new AbortController().signal;
    // Died after the processor charged, before the answer was written.
    const lostId = randomUUID();
    await pool.query(
      `INSERT INTO payment_attempts (id, order_id, state, request_key, card_last4, amount_minor, created_at, updated_at)
       VALUES ($1, $2, 'pending', 'k', '4242', 1494, now() - interval '2 minutes', now() - interval '2 minutes')`,
      [lostId, lost.order.id],
    );
    await processor.charge({ key: lostId, orderId: lost.order.id, amount: { amountMinor: 1494, currency: "USD" }, cardNumber: TEST_CARDS.pays, description: "" }, signal);
    // Died after the answer was written, before the order was paid.
    const chargedId = randomUUID();
    const answer = await processor.charge({ key: chargedId, orderId: charged.order.id, amount: { amountMinor: 1494, currency: "USD" }, cardNumber: TEST_CARDS.pays, description: "" }, signal);
    await pool.query(
      `INSERT INTO payment_attempts (id, order_id, state, request_key, reference, card_last4, amount_minor, created_at, updated_at)
       VALUES ($1, $2, 'charged', 'k', $3, '4242', 1494, now() - interval '2 minutes', now() - interval '2 minutes')`,
      [chargedId, charged.order.id, answer.ok ? answer.reference : null],
    );
    // Meanwhile the shopper cannot pay the first order twice.
    const blocked = await shop.payments.payOrder({ userId: lost.user.id, email: lost.user.email, orderId: lost.order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() }).catch((e: unknown) => e);
    expect(isAppError(blocked, "payment_in_progress")).toBe(true);

    const settled = await settleAll(worker);
    expect([settled.abandoned, settled.applied, settled.voided]).toEqual([1, 1, 1]);
    expect(await attemptStates(lost.order.id)).toEqual(["voided"]);
    expect((await shop.orders.getForUser(charged.user.id, charged.order.id)).status).toBe("paid");
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [charged.order.id]);
    expect(rows[0].n).toBe(1);
    // Now the first order can be paid.
    expect((await shop.payments.payOrder({ userId: lost.user.id, email: lost.user.email, orderId: lost.order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() })).paid).toBe(true);
    await settleAll(worker);
    await expectBooksBalance(shop, pool, admin);
  });
});
