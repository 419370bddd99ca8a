import { describe, expect, it } from "vitest";
import type { DomainEvent } from "@/lib/domain/events";
import { isAppError } from "@/lib/domain/errors";
import { userCartOwner } from "@/lib/domain/cart";
import { makeCart } from "../cart/cart";
import { makeReserveStock } from "../inventory/reserve-stock";
import { makeExpireReservations } from "../orders/expire-reservations";
import { makeCancelOrder } from "../orders/cancel-order";
import { makePlaceOrder } from "../orders/place-order";
import { makePayOrder, type AuthorizationResult, type PaymentProvider } from "./pay-order";
import { InMemoryStore, sequentialIds } from "@/tests/support/in-memory";
import { SHIP_TO } from "@/tests/support/addresses";

const U1 = "20000000-0000-4000-8000-000000000001";
const U2 = "20000000-0000-4000-8000-000000000002";
const P1 = "30000000-0000-4000-8000-000000000001";
const GOOD = "4242424242424242";

/** A provider whose answers the test scripts; it counts distinct charges by idempotency key. */
function scriptedProvider(answers: AuthorizationResult[]) {
  const keys = new Set<string>();
  const provider: PaymentProvider = {
    async authorize(request) {
      keys.add(request.idempotencyKey);
      return answers.shift() ?? { ok: true, reference: `ref-${keys.size}` };
    },
  };
  return { provider, keys };
}

async function setup(answers: AuthorizationResult[] = [], reserve = true) {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, stock: 5, price: { amountMinor: 1200, currency: "USD" } });
  const uow = store.unitOfWork();
  const ids = sequentialIds();
  let now = new Date("2026-01-01T00:00:00Z");
  const clock = { now: () => now };
  await makeCart({ uow }).addItem(userCartOwner(U1), { productId: P1, quantity: 2 });
  const { order } = await makePlaceOrder({ uow, ids, clock })({ userId: U1, email: "u@example.com", checkoutKey: "k", shipTo: SHIP_TO });
  const created = store.state.outbox.find((e) => e.type === "order.created") as DomainEvent<"order.created">;
  if (reserve) await makeReserveStock({ uow, ids, clock, reservationTtlMs: 15 * 60_000 })(created);
  const { provider, keys } = scriptedProvider(answers);
  return {
    store,
    order,
    keys,
    advance: (ms: number) => (now = new Date(now.getTime() + ms)),
    pay: makePayOrder({ uow, provider, ids, clock }),
    cancel: makeCancelOrder({ uow, ids, clock }),
    expire: makeExpireReservations({ uow, ids, clock }),
  };
}

describe("paying an order", () => {
  it("pays a reserved order, records the attempt and emits order.paid", async () => {
    const { store, order, pay } = await setup();
    const result = await pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" });
    expect(result.paid).toBe(true);
    const saved = store.state.orders.get(order.id)!;
    expect([saved.status, saved.reservedUntil]).toEqual(["paid", null]);
    expect(saved.timeline.map((t) => t.status)).toEqual(["pending", "stock_reserved", "paid"]);
    expect(store.state.payments.map((p) => [p.outcome, p.cardLast4, p.amountMinor])).toEqual([["authorized", "4242", 2 * 1200 + 495]]); // the order total: lines plus shipping
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(1);
  });

  it("keeps the order reserved after a decline and pays on a retry", async () => {
    const { store, order, pay } = await setup([{ ok: false, reason: "card_declined" }]);
    expect(await pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: "4000000000000002", paymentKey: "a1" })).toEqual({ paid: false, reason: "card_declined" });
    expect(store.state.orders.get(order.id)!.status).toBe("stock_reserved");
    expect((await pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" })).paid).toBe(true);
    expect(store.state.payments.map((p) => p.outcome)).toEqual(["declined", "authorized"]);
  });

  it("charges once when the same payment is submitted twice at once", async () => {
    const { store, order, pay, keys } = await setup();
    const results = await Promise.allSettled([
      pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" }),
      pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" }),
    ]);
    expect(keys.size).toBe(1);
    // Both submissions report the one payment; neither sees a conflict.
    expect(results.map((r) => r.status === "fulfilled" && r.value.paid)).toEqual([true, true]);
    expect(store.state.outbox.filter((e) => e.type === "order.paid")).toHaveLength(1);
  });

  it("refuses to pay before stock is reserved, after expiry, or someone else's order", async () => {
    const notReserved = await setup([], false);
    const early = await notReserved.pay({ userId: U1, email: "u@example.com", orderId: notReserved.order.id, cardNumber: GOOD, paymentKey: "a2" }).catch((e: unknown) => e);
    expect(isAppError(early, "invalid_transition")).toBe(true);

    const s = await setup();
    const foreign = await s.pay({ userId: U2, email: "u@example.com", orderId: s.order.id, cardNumber: GOOD, paymentKey: "a2" }).catch((e: unknown) => e);
    expect(isAppError(foreign, "not_found")).toBe(true);
    s.advance(16 * 60_000);
    const late = await s.pay({ userId: U1, email: "u@example.com", orderId: s.order.id, cardNumber: GOOD, paymentKey: "a2" }).catch((e: unknown) => e);
    expect(isAppError(late, "invalid_transition")).toBe(true);
    expect(s.keys.size).toBe(0);
  });

  it("marks a paid order that is cancelled for refund", async () => {
    const { store, order, pay, cancel } = await setup();
    await pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" });
    await cancel({ userId: U1, orderId: order.id });
    const saved = store.state.orders.get(order.id)!;
    expect([saved.status, saved.refundDue]).toEqual(["cancelled", true]);
    const event = store.state.outbox.filter((e) => e.type === "order.cancelled").at(-1) as DomainEvent<"order.cancelled">;
    expect(event.payload.stockReserved).toBe(true);
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
    const { store, order, pay, expire, advance } = await setup();
    await pay({ userId: U1, email: "u@example.com", orderId: order.id, cardNumber: GOOD, paymentKey: "a2" });
    advance(60 * 60_000);
    expect(await expire(10)).toBe(0);
    expect(store.state.orders.get(order.id)!.status).toBe("paid");
  });
});
