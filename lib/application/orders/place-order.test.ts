import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { makeCart } from "../cart/cart";
import { makePlaceOrder } from "./place-order";
import { fixedClock, InMemoryStore, sequentialIds } from "@/tests/support/in-memory";

const USER = "20000000-0000-4000-8000-000000000001";
const P1 = "30000000-0000-4000-8000-000000000001";
const P2 = "30000000-0000-4000-8000-000000000002";

function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, price: { amountMinor: 1250, currency: "USD" }, stock: 5 });
  store.addProduct({ id: P2, price: { amountMinor: 399, currency: "USD" }, stock: 5 });
  const uow = store.unitOfWork();
  const cart = makeCart({ uow });
  const placeOrder = makePlaceOrder({ uow, ids: sequentialIds(), clock: fixedClock() });
  return { store, cart, placeOrder };
}

describe("placeOrder", () => {
  it("creates a pending order with price snapshots, an order.created event, and empties the cart", async () => {
    const { store, cart, placeOrder } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 2 });
    await cart.addItem(USER, { productId: P2, quantity: 1 });

    const { order, created } = await placeOrder({ userId: USER, email: "u@example.com", checkoutKey: "k1" });

    expect(created).toBe(true);
    expect(order.status).toBe("pending");
    expect(order.total).toEqual({ amountMinor: 2 * 1250 + 399, currency: "USD" });
    expect(order.lines.map((l) => [l.productId, l.quantity, l.unitPrice.amountMinor])).toEqual([
      [P1, 2, 1250],
      [P2, 1, 399],
    ]);
    expect(store.state.outbox).toHaveLength(1);
    expect(store.state.outbox[0]).toMatchObject({ type: "order.created", aggregateId: order.id, payload: { totalMinor: 2899 } });
    expect((await cart.getCart(USER)).cart.lines).toEqual([]);
  });

  it("keeps the price it was placed at when the catalog price changes later", async () => {
    const { store, cart, placeOrder } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 1 });
    const { order } = await placeOrder({ userId: USER, email: "u@example.com", checkoutKey: "k1" });
    store.state.products.set(P1, { ...store.state.products.get(P1)!, price: { amountMinor: 9999, currency: "USD" } });
    expect(store.state.orders.get(order.id)!.lines[0]!.unitPrice.amountMinor).toBe(1250);
  });

  it("returns the first order when the same checkout is submitted again", async () => {
    const { store, cart, placeOrder } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 1 });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => placeOrder({ userId: USER, email: "u@example.com", checkoutKey: "same" })),
    );
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(store.state.orders.size).toBe(1);
    expect(store.state.outbox).toHaveLength(1);
  });

  it("refuses an empty cart and writes nothing", async () => {
    const { store, placeOrder } = setup();
    const error = await placeOrder({ userId: USER, email: "u@example.com", checkoutKey: "k" }).catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    expect(store.state.orders.size).toBe(0);
    expect(store.state.outbox).toHaveLength(0);
  });
});
