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

async function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, stock: 3 });
  store.addProduct({ id: P2, stock: 1 });
  const uow = store.unitOfWork();
  const ids = sequentialIds();
  const cart = makeCart({ uow });
  const placeOrder = makePlaceOrder({ uow, ids, clock: fixedClock() });
  const reserveStock = makeReserveStock({ uow, ids, clock: fixedClock(), reservationTtlMs: 60_000 });
  const order = async (user: string, lines: [string, number][]) => {
    for (const [productId, quantity] of lines) await cart.addItem(userCartOwner(user), { productId, quantity });
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
    expect(store.state.products.get(P1)!.stock).toBe(1);
    expect(store.state.products.get(P2)!.stock).toBe(0);
    expect(store.state.orders.get(event.payload.orderId)!.status).toBe("stock_reserved");
    expect(store.state.outbox.at(-1)).toMatchObject({ type: "inventory.updated", payload: { reason: "reservation" } });
  });

  it("takes all lines or none: one short line cancels the order and leaves all stock alone", async () => {
    const { store, reserveStock, order } = await setup();
    // Both shoppers check out while one unit of P2 is left; the first reservation takes it.
    const first = await order(U1, [[P2, 1]]);
    const event = await order(U2, [[P1, 1], [P2, 1]]);
    expect(await reserveStock(first)).toBe("reserved");
    expect(await reserveStock(event)).toBe("rejected");
    expect(store.state.products.get(P1)!.stock).toBe(3);
    const o = store.state.orders.get(event.payload.orderId)!;
    expect([o.status, o.cancellationReason]).toEqual(["cancelled", "out_of_stock"]);
    expect(store.state.outbox.at(-1)).toMatchObject({ type: "order.cancelled", payload: { reason: "out_of_stock" } });
  });

  it("does nothing the second time the same event arrives", async () => {
    const { store, reserveStock, order } = await setup();
    const event = await order(U1, [[P1, 1]]);
    expect(await reserveStock(event)).toBe("reserved");
    expect(await reserveStock(event)).toBe("duplicate");
    expect(store.state.products.get(P1)!.stock).toBe(2);
  });

  it("locks products in one order: merged by product and sorted by id", () => {
    expect(lockOrder([{ productId: "b", quantity: 1 }, { productId: "a", quantity: 2 }, { productId: "b", quantity: 3 }])).toEqual([
      { productId: "a", quantity: 2 },
      { productId: "b", quantity: 4 },
    ]);
  });
});
