import { describe, expect, it } from "vitest";
import type { DomainEvent } from "@/lib/domain/events";
import { isAppError } from "@/lib/domain/errors";
import { userCartOwner } from "@/lib/domain/cart";
import { makeCart } from "../cart/cart";
import { makeReserveStock } from "../inventory/reserve-stock";
import { makeExpireReservations } from "../orders/expire-reservations";
import { makeCancelOrder } from "../orders/cancel-order";
import { makePlaceOrder } from "../orders/place-order";
import { makePayOrder, type PaymentOutcome } from "./pay-order";
import type { ChargeAnswer, PaymentProvider } from "./payment-provider";
import { makeRefundOrder } from "./refunds";
import { InMemoryStore, sequentialIds } from "@/tests/support/in-memory";
import { SHIP_TO } from "@/tests/support/addresses";

const U1 = "20000000-0000-4000-8000-000000000001";
const U2 = "20000000-0000-4000-8000-000000000002";
const P1 = "30000000-0000-4000-8000-000000000001";
const GOOD = "4242424242424242";
const TOTAL = 2 * 1200 + 495; // two units plus shipping
const ADMIN = { id: "20000000-0000-4000-8000-0000000000ad", role: "admin" as const };

/**
 * A processor whose answers the test scripts. It counts charges by key, and a
 * charge can be held until the test lets it go (to cancel meanwhile).
 */
function scriptedProvider(answers: (ChargeAnswer | Error)[]) {
  const charged = new Set<string>();
  let gate: Promise<void> = Promise.resolve();
  const provider: PaymentProvider = {
    async charge(request) {
      await gate;
      const answer = answers.shift() ?? { ok: true, reference: `ref-${charged.size + 1}` };
      if (answer instanceof Error) throw answer;
      if (answer.ok) charged.add(request.key);
      return answer;
    },
    async void() {
      return { voided: true };
    },
    async refund(request) {
      return { reference: `re-${request.key}` };
    },
  };
  return {
    provider,
    charged,
    /** Holds every charge until the returned function is called. */
    hold: () => {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => release();
    },
  };
}

async function setup(answers: (ChargeAnswer | Error)[] = [], reserve = true, reservationTtlMs = 15 * 60_000) {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, stock: 5, price: { amountMinor: 1200, currency: "USD" } });
  const uow = store.unitOfWork();
  const ids = sequentialIds();
  let now = new Date("2026-01-01T00:00:00Z");
  const clock = { now: () => now };
  await makeCart({ uow }).addItem(userCartOwner(U1), { productId: P1, quantity: 2 });
  const { order } = await makePlaceOrder({ uow, ids, clock })({ userId: U1, email: "u@example.com", checkoutKey: "k", shipTo: SHIP_TO });
  const created = store.state.outbox.find((e) => e.type === "order.created") as DomainEvent<"order.created">;
  if (reserve) await makeReserveStock({ uow, ids, clock, reservationTtlMs })(created);
  const { provider, charged, hold } = scriptedProvider(answers);
  const voids: string[] = [];
  const answersPort = store.answers();
  const outcomes: PaymentOutcome[] = [];
  const pay = makePayOrder({
    onOutcome: (outcome) => void outcomes.push(outcome),
    uow,
    answers: answersPort,
    provider,
    ids,
    clock,
    voidAttempt: async ({ attemptId }) => {
      voids.push(attemptId);
      const a = store.state.payments.find((p) => p.id === attemptId)!;
      Object.assign(a, { state: "voided" });
      return true;
    },
  });
  const payAs = (paymentKey: string, cardNumber = GOOD, userId = U1) => pay({ userId, email: "u@example.com", orderId: order.id, cardNumber, paymentKey });
  return {
    store,
    order,
    charged,
    voids,
    outcomes,
    hold,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    pay,
    payAs,
    cancel: makeCancelOrder({ uow, ids, clock }),
    expire: makeExpireReservations({ uow, ids, clock }),
    refund: makeRefundOrder({ uow, ids, clock, performRefund: async () => null }),
  };
}

const states = (store: InMemoryStore) => store.state.payments.map((p) => p.state);

describe("paying an order", () => {
  it("pays a reserved order: one charge, applied, and one order.paid", async () => {
    const { store, order, payAs, charged } = await setup();
    const result = await payAs("a2");
    expect(result.paid).toBe(true);
    const saved = store.state.orders.get(order.id)!;
    expect([saved.status, saved.reservedUntil]).toEqual(["paid", null]);
    expect(saved.timeline.map((t) => t.status)).toEqual(["pending", "stock_reserved", "paid"]);
    expect(store.state.payments.map((p) => [p.state, p.cardLast4, p.amountMinor, p.appliedAt !== null])).toEqual([["charged", "4242", TOTAL, true]]);
    expect(charged.size).toBe(1);
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(1);
  });

  it("keeps the order reserved after a decline and pays on a retry", async () => {
    const { store, order, payAs } = await setup([{ ok: false, reason: "card_declined" }]);
    expect(await payAs("a1", "4000000000000002")).toEqual({ paid: false, reason: "card_declined" });
    expect(store.state.orders.get(order.id)!.status).toBe("stock_reserved");
    // The same key again gets the same answer, without asking the processor.
    expect(await payAs("a1", "4000000000000002")).toEqual({ paid: false, reason: "card_declined" });
    expect((await payAs("a2")).paid).toBe(true);
    expect(states(store)).toEqual(["declined", "charged"]);
  });

  it("charges once when ten payments with ten keys arrive at once: the others are told one is in progress", async () => {
    const { store, payAs, charged } = await setup();
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => payAs(`key-${i}`)));
    expect(charged.size).toBe(1);
    const paid = results.filter((r) => r.status === "fulfilled" && r.value.paid).length;
    const inProgress = results.filter((r) => r.status === "rejected" && isAppError(r.reason, "payment_in_progress")).length;
    expect(paid).toBeGreaterThanOrEqual(1);
    expect(paid + inProgress).toBe(10);
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(1);
    expect(states(store)).toEqual(["charged"]);
  });

  it("charges once when the same payment is submitted twice at once", async () => {
    const { store, payAs, charged } = await setup();
    const results = await Promise.allSettled([payAs("a2"), payAs("a2")]);
    expect(charged.size).toBe(1);
    expect(results.filter((r) => r.status === "fulfilled" && r.value.paid)).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && isAppError(r.reason, "payment_in_progress"))).toHaveLength(1);
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(1);
  });

  it("refuses to pay before stock is reserved, after expiry, or someone else's order, without asking the processor", async () => {
    const notReserved = await setup([], false);
    expect(isAppError(await notReserved.payAs("a2").catch((e: unknown) => e), "invalid_transition")).toBe(true);

    const s = await setup();
    expect(isAppError(await s.payAs("a2", GOOD, U2).catch((e: unknown) => e), "not_found")).toBe(true);
    s.advance(16 * 60_000);
    expect(isAppError(await s.payAs("a3").catch((e: unknown) => e), "invalid_transition")).toBe(true);
    expect(s.charged.size).toBe(0);
    expect(s.store.state.payments).toHaveLength(0);
  });

  it("shows the order's payment as in flight while the processor is asked, and not once it answered", async () => {
    const { store, order, payAs, hold } = await setup();
    const release = hold();
    const paying = payAs("a2");
    await new Promise((r) => setTimeout(r, 10));
    expect((await store.repos().orders.findById(order.id))!.payment.inFlight).toBe(true);
    release();
    const result = await paying;
    expect(result.paid && result.order.payment).toMatchObject({ inFlight: false, chargedMinor: TOTAL });
    expect((await store.repos().orders.findById(order.id))!.payment).toMatchObject({ inFlight: false, chargedMinor: TOTAL });
  });

  it("voids a charge when the shopper cancels while the card is being charged, and says so", async () => {
    const { store, order, payAs, cancel, hold, voids } = await setup();
    const release = hold();
    const paying = payAs("a2").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await cancel({ userId: U1, orderId: order.id });
    release();
    const error = await paying;
    expect(isAppError(error, "conflict")).toBe(true);
    expect((error as Error).message).toMatch(/charge was reversed/);
    expect(voids).toHaveLength(1);
    expect(states(store)).toEqual(["voided"]);
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(0);
    // Nothing was applied, so nothing is refunded either.
    expect(store.state.refunds).toHaveLength(0);
  });

  it("voids a charge whose reservation expired while the card was being charged", async () => {
    const { store, payAs, hold, advance, voids } = await setup();
    const release = hold();
    const paying = payAs("a2").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    advance(16 * 60_000);
    release();
    expect(isAppError(await paying, "conflict")).toBe(true);
    expect([voids.length, states(store)]).toEqual([1, ["voided"]]);
  });

  it("records an unknown answer (timeout, error) durably and voids whatever may have been charged", async () => {
    const { store, order, payAs, voids } = await setup([new Error("socket hang up")]);
    const error = await payAs("a2").catch((e: unknown) => e);
    expect(isAppError(error, "unavailable")).toBe(true);
    expect(voids).toHaveLength(1);
    expect(store.state.orders.get(order.id)!.status).toBe("stock_reserved");
    // A new attempt is allowed once the doubtful one is out of the way.
    expect((await payAs("a3")).paid).toBe(true);
  });

  it("caps declines per order: the sixth attempt within the hour is refused with a wait, and allowed after it", async () => {
    const s = await setup(Array.from({ length: 6 }, () => ({ ok: false as const, reason: "card_declined" })), true, 3 * 3_600_000);
    for (let i = 0; i < 5; i++) {
      expect((await s.payAs(`d${i}`, "4000000000000002")).paid).toBe(false);
      s.advance(60_000);
    }
    const limited = await s.payAs("d5", "4000000000000002").catch((e: unknown) => e);
    expect(isAppError(limited, "rate_limited")).toBe(true);
    expect((limited as { retryAfterSeconds?: number }).retryAfterSeconds).toBe(55 * 60);
    expect(s.store.state.payments).toHaveLength(5);
    s.advance(55 * 60_000);
    expect(await s.payAs("d6", "4000000000000002")).toEqual({ paid: false, reason: "card_declined" });
  });

  it("refunds the whole charge when a paid order is cancelled", async () => {
    const { store, order, payAs, cancel } = await setup();
    await payAs("a2");
    const cancelled = await cancel({ userId: U1, orderId: order.id });
    expect([cancelled.status, cancelled.refundDue, cancelled.payment.refundingMinor]).toEqual(["cancelled", true, TOTAL]);
    expect(store.state.refunds.map((r) => [r.amountMinor, r.reason, r.state])).toEqual([[TOTAL, "cancellation", "pending"]]);
    const event = store.state.outbox.filter((e) => e.type === "order.cancelled").at(-1) as DomainEvent<"order.cancelled">;
    expect(event.payload.stockReserved).toBe(true);
  });
});

describe("payment outcomes (onOutcome)", () => {
  it("tells each request's outcome once: declined, replayed, failed, succeeded, and replayed once paid", async () => {
    const { payAs, outcomes, charged } = await setup([{ ok: false, reason: "card_declined" }, new Error("socket hang up")]);
    await payAs("a1", "4000000000000002");
    await payAs("a1", "4000000000000002");
    await payAs("a2").catch(() => undefined);
    await payAs("a3");
    await payAs("a4");
    expect(outcomes).toEqual(["declined", "replayed", "failed", "succeeded", "replayed"]);
    expect(charged.size).toBe(1);
  });

  it("tells not_applied for a charge the order could no longer take", async () => {
    const { order, payAs, cancel, hold, outcomes } = await setup();
    const release = hold();
    const paying = payAs("a2").catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 10));
    await cancel({ userId: U1, orderId: order.id });
    release();
    expect(isAppError(await paying, "conflict")).toBe(true);
    expect(outcomes).toEqual(["not_applied"]);
  });

  it("tells nothing for a request refused before any attempt (stock not reserved yet)", async () => {
    const { payAs, outcomes } = await setup([], false);
    expect(isAppError(await payAs("a1").catch((e: unknown) => e), "invalid_transition")).toBe(true);
    expect(outcomes).toEqual([]);
  });
});

describe("refunding an order", () => {
  it("refunds part and then the rest; never more than was charged", async () => {
    const { store, order, payAs, refund } = await setup();
    await payAs("a2");
    expect((await refund(ADMIN, { orderId: order.id, amountMinor: 500, requestKey: "r1" })).amount.amountMinor).toBe(500);
    // The same key again is the same refund.
    expect((await refund(ADMIN, { orderId: order.id, amountMinor: 500, requestKey: "r1" })).amount.amountMinor).toBe(500);
    const tooMuch = await refund(ADMIN, { orderId: order.id, amountMinor: TOTAL - 499, requestKey: "r2" }).catch((e: unknown) => e);
    expect(isAppError(tooMuch, "validation") && tooMuch.fields.map((f) => f.path)).toEqual(["amountMinor"]);
    await refund(ADMIN, { orderId: order.id, amountMinor: TOTAL - 500, requestKey: "r3" });
    expect(store.state.refunds.map((r) => r.amountMinor)).toEqual([500, TOTAL - 500]);
  });

  it("refuses zero, negative, unpaid orders and customers, changing nothing", async () => {
    const { store, order, payAs, refund } = await setup();
    const unpaid = await refund(ADMIN, { orderId: order.id, amountMinor: 100, requestKey: "r0" }).catch((e: unknown) => e);
    expect(isAppError(unpaid, "invalid_transition")).toBe(true);
    await payAs("a2");
    for (const amountMinor of [0, -5, 1.5]) {
      const bad = await refund(ADMIN, { orderId: order.id, amountMinor, requestKey: `r${amountMinor}` }).catch((e: unknown) => e);
      expect(isAppError(bad, "validation") && bad.fields[0]?.path).toBe("amountMinor");
    }
    const customer = await refund({ id: U1, role: "customer" }, { orderId: order.id, amountMinor: 100, requestKey: "rc" }).catch((e: unknown) => e);
    expect(isAppError(customer, "forbidden")).toBe(true);
    expect(store.state.refunds).toHaveLength(0);
  });

  it("of two refunds at once that together exceed the charge, refuses one", async () => {
    const { store, order, payAs, refund } = await setup();
    await payAs("a2");
    const results = await Promise.allSettled([
      refund(ADMIN, { orderId: order.id, amountMinor: 2000, requestKey: "x" }),
      refund(ADMIN, { orderId: order.id, amountMinor: 2000, requestKey: "y" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected" && isAppError(r.reason, "validation"))).toHaveLength(1);
    expect(store.state.refunds.map((r) => r.amountMinor)).toEqual([2000]);
  });
});

describe("reservation expiry", () => {
  it("cancels only lapsed unpaid reservations, once", async () => {
    const { store, order, expire, advance } = await setup();
    expect(await expire(10)).toBe(0);
    advance(15 * 60_000 + 1);
    expect(await expire(10)).toBe(1);
    expect(await expire(10)).toBe(0);
    const saved = store.state.orders.get(order.id)!;
    expect([saved.status, saved.cancellationReason]).toEqual(["cancelled", "payment_expired"]);
    const event = store.state.outbox.filter((e) => e.type === "order.cancelled").at(-1) as DomainEvent<"order.cancelled">;
    expect(event.payload).toMatchObject({ reason: "payment_expired", stockReserved: true });
  });

  it("leaves paid orders alone", async () => {
    const { store, order, payAs, expire, advance } = await setup();
    await payAs("a2");
    advance(60 * 60_000);
    expect(await expire(10)).toBe(0);
    expect(store.state.orders.get(order.id)!.status).toBe("paid");
  });
});
