import { describe, expect, it } from "vitest";
import type { DomainEvent } from "@/lib/domain/events";
import { userCartOwner } from "@/lib/domain/cart";
import { makeCart } from "../cart/cart";
import { makePlaceOrder } from "../orders/place-order";
import { lockOrder, makeReserveStock } from "./reserve-stock";
import { fixedClock, InMemoryStore, sequentialIds } from "@/tests/support/in-memory";
import { SHIP_TO } from "@/tests/support/addresses";

const U1 = "20000000-0000-4000-8000-000000000001";
const U2 = "20000000-0000-4000-8000-000000000002";
const P1 = "30000000-0000-4000-8000-000000000001";
const P2 = "30000000-0000-4000-8000-000000000002";
// Their variants, the unit of stock (ADR 016).
const V1 = "31000000-0000-4000-8000-000000000001";
const V2 = "31000000-0000-4000-8000-000000000002";

async function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, variantId: V1, stock: 3 });
  store.addProduct({ id: P2, variantId: V2, stock: 1 });
  const uow = store.unitOfWork();
  const ids = sequentialIds();
  const cart = makeCart({ uow });
  const placeOrder = makePlaceOrder({ uow, ids, clock: fixedClock() });
  const reserveStock = makeReserveStock({ uow, ids, clock: fixedClock(), reservationTtlMs: 60_000 });
  const order = async (user: string, lines: [productId: string, quantity: number, variantId?: string][]) => {
    for (const [productId, quantity, variantId] of lines) await cart.addItem(userCartOwner(user), { productId, variantId, quantity });
    const { order } = await placeOrder({ userId: user, email: "u@example.com", checkoutKey: `k-${user}`, shipTo: SHIP_TO });
    return store.state.outbox.find((e) => e.aggregateId === order.id && e.type === "order.created") as DomainEvent<"order.created">;
  };
  return { store, reserveStock, order };
}

describe("reserveStock", () => {
  it("reserves every line and emits inventory.updated", async () => {
    const { store, reserveStock, order } = await setup();
    const event = await order(U1, [[P1, 2], [P2, 1]]);
    expect(await reserveStock(event)).toBe("reserved");
    expect(store.state.variants.get(V1)!.stock).toBe(1);
    expect(store.state.variants.get(V2)!.stock).toBe(0);
    expect(store.state.orders.get(event.payload.orderId)!.status).toBe("stock_reserved");
    expect(store.state.outbox.at(-1)).toMatchObject({
      type: "inventory.updated",
      version: 2,
      payload: {
        reason: "reservation",
        changes: [
          { productId: P1, variantId: V1, delta: -2, stock: 1 },
          { productId: P2, variantId: V2, delta: -1, stock: 0 },
        ],
      },
    });
  });

  it("takes all lines or none: one short line cancels the order and leaves all stock alone", async () => {
    const { store, reserveStock, order } = await setup();
    // Both shoppers check out while one unit of P2 is left; the first reservation takes it.
    const first = await order(U1, [[P2, 1]]);
    const event = await order(U2, [[P1, 1], [P2, 1]]);
    expect(await reserveStock(first)).toBe("reserved");
    expect(await reserveStock(event)).toBe("rejected");
    expect(store.state.variants.get(V1)!.stock).toBe(3);
    const o = store.state.orders.get(event.payload.orderId)!;
    expect([o.status, o.cancellationReason]).toEqual(["cancelled", "out_of_stock"]);
    expect(store.state.outbox.at(-1)).toMatchObject({ type: "order.cancelled", payload: { reason: "out_of_stock" } });
  });

  it("does nothing the second time the same event arrives", async () => {
    const { store, reserveStock, order } = await setup();
    const event = await order(U1, [[P1, 1]]);
    expect(await reserveStock(event)).toBe("reserved");
    expect(await reserveStock(event)).toBe("duplicate");
    expect(store.state.variants.get(V1)!.stock).toBe(2);
  });

  it("locks variants in one order: merged by variant and sorted by id", () => {
    expect(lockOrder([{ variantId: "b", quantity: 1 }, { variantId: "a", quantity: 2 }, { variantId: "b", quantity: 3 }])).toEqual([
      { variantId: "a", quantity: 2 },
      { variantId: "b", quantity: 4 },
    ]);
  });
});

describe("reserveStock with variants: the variant is the unit of stock (ADR 016)", () => {
  const CHAIR = "30000000-0000-4000-8000-0000000000c1";
  // Walnut sorts before oak by id, though it was added second.
  const OAK = "31000000-0000-4000-8000-0000000000c2";
  const WALNUT = "31000000-0000-4000-8000-0000000000c1";

  it("lockOrder merges two lines of the same variant into one", () => {
    expect(lockOrder([{ variantId: OAK, quantity: 1 }, { variantId: OAK, quantity: 2 }])).toEqual([{ variantId: OAK, quantity: 3 }]);
  });

  it("lockOrder keeps two variants of one product as two lines, sorted by variant id", () => {
    const lines = [
      { productId: CHAIR, variantId: OAK, quantity: 1 },
      { productId: CHAIR, variantId: WALNUT, quantity: 2 },
    ];
    expect(lockOrder(lines)).toEqual([
      { variantId: WALNUT, quantity: 2 },
      { variantId: OAK, quantity: 1 },
    ]);
  });

  it("reserves each variant's own stock, one change per variant, in lock order", async () => {
    const { store, reserveStock, order } = await setup();
    store.addProduct({ id: CHAIR, variantId: OAK, options: [{ option: "Wood", value: "Oak" }], stock: 2 });
    store.addVariant(CHAIR, { id: WALNUT, options: [{ option: "Wood", value: "Walnut" }], stock: 5 });
    const event = await order(U1, [
      [CHAIR, 2, OAK],
      [CHAIR, 3, WALNUT],
    ]);
    expect(event.payload.lines.map((l) => [l.productId, l.variantId, l.variantTitle, l.quantity])).toEqual([
      [CHAIR, OAK, "Wood: Oak", 2],
      [CHAIR, WALNUT, "Wood: Walnut", 3],
    ]);
    expect(await reserveStock(event)).toBe("reserved");
    expect([store.state.variants.get(OAK)!.stock, store.state.variants.get(WALNUT)!.stock]).toEqual([0, 2]);
    expect(store.state.outbox.at(-1)).toMatchObject({
      type: "inventory.updated",
      payload: {
        changes: [
          { productId: CHAIR, variantId: WALNUT, delta: -3, stock: 2 },
          { productId: CHAIR, variantId: OAK, delta: -2, stock: 0 },
        ],
      },
    });
  });

  it("refuses an order short on one variant though its product's other variant has plenty", async () => {
    const { store, reserveStock, order } = await setup();
    store.addProduct({ id: CHAIR, variantId: OAK, options: [{ option: "Wood", value: "Oak" }], stock: 2 });
    store.addVariant(CHAIR, { id: WALNUT, options: [{ option: "Wood", value: "Walnut" }], stock: 50 });
    const first = await order(U1, [[CHAIR, 2, OAK]]);
    const second = await order(U2, [[CHAIR, 1, OAK]]);
    expect(await reserveStock(first)).toBe("reserved");
    expect(await reserveStock(second)).toBe("rejected");
    expect([store.state.variants.get(OAK)!.stock, store.state.variants.get(WALNUT)!.stock]).toEqual([0, 50]);
    expect(store.state.orders.get(second.payload.orderId)!.cancellationReason).toBe("out_of_stock");
  });
});
