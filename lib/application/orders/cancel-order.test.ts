import { describe, expect, it } from "vitest";
import type { DomainEvent } from "@/lib/domain/events";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError } from "@/lib/domain/errors";
import { makeCart } from "../cart/cart";
import { makeReleaseStock } from "../inventory/release-stock";
import { makeReserveStock } from "../inventory/reserve-stock";
import { makeCancelOrder } from "./cancel-order";
import { makePlaceOrder } from "./place-order";
import { SHIP_TO } from "@/tests/support/addresses";
import { fixedClock, InMemoryStore, sequentialIds } from "@/tests/support/in-memory";

const U1 = "20000000-0000-4000-8000-000000000001";
const U2 = "20000000-0000-4000-8000-000000000002";
const P1 = "30000000-0000-4000-8000-000000000001";
const V1 = "31000000-0000-4000-8000-000000000001";

async function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, variantId: V1, stock: 5 });
  const uow = store.unitOfWork();
  const ids = sequentialIds();
  const clock = fixedClock();
  const cart = makeCart({ uow });
  await cart.addItem(userCartOwner(U1), { productId: P1, quantity: 2 });
  const { order } = await makePlaceOrder({ uow, ids, clock })({ userId: U1, email: "u@example.com", checkoutKey: "k", shipTo: SHIP_TO });
  const lastEvent = <T extends DomainEvent["type"]>(type: T) =>
    store.state.outbox.filter((e) => e.type === type).at(-1) as DomainEvent<T>;
  return {
    store,
    order,
    lastEvent,
    cancel: makeCancelOrder({ uow, ids, clock }),
    reserve: makeReserveStock({ uow, ids, clock, reservationTtlMs: 60_000 }),
    release: makeReleaseStock({ uow, ids, clock }),
  };
}

describe("cancelling an order", () => {
  it("cancels a pending order without releasing anything, and the late reservation then skips it", async () => {
    const { store, order, cancel, reserve, release, lastEvent } = await setup();
    const cancelled = await cancel({ userId: U1, orderId: order.id });
    expect([cancelled.status, cancelled.cancellationReason]).toEqual(["cancelled", "customer_request"]);
    expect(lastEvent("order.cancelled").payload.stockReserved).toBe(false);
    expect(await reserve(lastEvent("order.created"))).toBe("skipped");
    expect(await release(lastEvent("order.cancelled"))).toBe("nothing_reserved");
    expect(store.state.variants.get(V1)!.stock).toBe(5);
  });

  it("releases reserved stock exactly once", async () => {
    const { store, order, cancel, reserve, release, lastEvent } = await setup();
    await reserve(lastEvent("order.created"));
    expect(store.state.variants.get(V1)!.stock).toBe(3);
    await cancel({ userId: U1, orderId: order.id });
    const event = lastEvent("order.cancelled");
    expect(event.payload.stockReserved).toBe(true);
    expect(await release(event)).toBe("released");
    expect(await release(event)).toBe("duplicate");
    expect(store.state.variants.get(V1)!.stock).toBe(5);
    expect(lastEvent("inventory.updated").payload).toMatchObject({ reason: "release", changes: [{ productId: P1, variantId: V1, delta: 2, stock: 5 }] });
  });

  it("answers not_found for another shopper's order and changes nothing", async () => {
    const { store, order, cancel } = await setup();
    const error = await cancel({ userId: U2, orderId: order.id }).catch((e: unknown) => e);
    expect(isAppError(error, "not_found")).toBe(true);
    expect(store.state.orders.get(order.id)!.status).toBe("pending");
  });

  it("refuses once the order has shipped, and is a no-op when already cancelled", async () => {
    const { store, order, cancel } = await setup();
    store.state.orders.set(order.id, { ...store.state.orders.get(order.id)!, status: "shipped" });
    const error = await cancel({ userId: U1, orderId: order.id }).catch((e: unknown) => e);
    expect(isAppError(error, "invalid_transition")).toBe(true);
    store.state.orders.set(order.id, { ...store.state.orders.get(order.id)!, status: "cancelled" });
    const before = store.state.outbox.length;
    expect((await cancel({ userId: U1, orderId: order.id })).status).toBe("cancelled");
    expect(store.state.outbox).toHaveLength(before);
  });
});

describe("cancelling an order of several variants (ADR 016)", () => {
  it("gives each variant back its own units, in variant id order, and leaves the product's other variants alone", async () => {
    const CHAIR = "30000000-0000-4000-8000-0000000000c1";
    const [WALNUT, OAK, PINE] = ["31000000-0000-4000-8000-0000000000c1", "31000000-0000-4000-8000-0000000000c2", "31000000-0000-4000-8000-0000000000c3"];
    const store = new InMemoryStore();
    store.addProduct({ id: CHAIR, variantId: OAK, options: [{ option: "Wood", value: "Oak" }], stock: 4 });
    store.addVariant(CHAIR, { id: WALNUT, options: [{ option: "Wood", value: "Walnut" }], stock: 4 });
    store.addVariant(CHAIR, { id: PINE, options: [{ option: "Wood", value: "Pine" }], stock: 4 });
    const uow = store.unitOfWork();
    const ids = sequentialIds();
    const clock = fixedClock();
    const cart = makeCart({ uow });
    await cart.addItem(userCartOwner(U1), { productId: CHAIR, variantId: OAK, quantity: 1 });
    await cart.addItem(userCartOwner(U1), { productId: CHAIR, variantId: WALNUT, quantity: 3 });
    const { order } = await makePlaceOrder({ uow, ids, clock })({ userId: U1, email: "u@example.com", checkoutKey: "k", shipTo: SHIP_TO });
    const lastEvent = <T extends DomainEvent["type"]>(type: T) => store.state.outbox.filter((e) => e.type === type).at(-1) as DomainEvent<T>;
    const stock = () => [OAK, WALNUT, PINE].map((v) => store.state.variants.get(v)!.stock);

    expect(await makeReserveStock({ uow, ids, clock, reservationTtlMs: 60_000 })(lastEvent("order.created"))).toBe("reserved");
    expect(stock()).toEqual([3, 1, 4]);
    await makeCancelOrder({ uow, ids, clock })({ userId: U1, orderId: order.id });
    expect(await makeReleaseStock({ uow, ids, clock })(lastEvent("order.cancelled"))).toBe("released");

    expect(stock()).toEqual([4, 4, 4]);
    expect(lastEvent("inventory.updated").payload).toMatchObject({
      reason: "release",
      changes: [
        { productId: CHAIR, variantId: WALNUT, delta: 3, stock: 4 },
        { productId: CHAIR, variantId: OAK, delta: 1, stock: 4 },
      ],
    });
  });
});
