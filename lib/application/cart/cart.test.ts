import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { makeCart } from "./cart";
import { InMemoryStore } from "@/tests/support/in-memory";

const USER = "20000000-0000-4000-8000-000000000001";
const OTHER = "20000000-0000-4000-8000-000000000002";
const P1 = "30000000-0000-4000-8000-000000000001";
const MISSING = "30000000-0000-4000-8000-000000000999";

function setup(stock = 5) {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, price: { amountMinor: 250, currency: "USD" }, stock });
  return { store, cart: makeCart({ uow: store.unitOfWork() }) };
}

describe("cart", () => {
  it("adds up quantities of the same product and totals in minor units", async () => {
    const { cart } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 1 });
    const { cart: c, summary } = await cart.addItem(USER, { productId: P1, quantity: 2 });
    expect(c.lines).toHaveLength(1);
    expect(summary).toEqual({ itemCount: 3, subtotal: { amountMinor: 750, currency: "USD" } });
  });

  it("refuses more than is in stock, naming the field", async () => {
    const { cart } = setup(2);
    const error = await cart.addItem(USER, { productId: P1, quantity: 3 }).catch((e: unknown) => e);
    expect(isAppError(error, "insufficient_stock")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields[0]!.path).toBe("quantity");
  });

  it("answers not_found for an unknown product", async () => {
    const { cart } = setup();
    const error = await cart.addItem(USER, { productId: MISSING, quantity: 1 }).catch((e: unknown) => e);
    expect(isAppError(error, "not_found")).toBe(true);
  });

  it("never lets one shopper change another shopper's line", async () => {
    const { cart } = setup();
    const { cart: mine } = await cart.addItem(USER, { productId: P1, quantity: 1 });
    const itemId = mine.lines[0]!.itemId;
    const error = await cart.updateItem(OTHER, { itemId, quantity: 2 }).catch((e: unknown) => e);
    expect(isAppError(error, "not_found")).toBe(true);
    const removal = await cart.removeItem(OTHER, itemId).catch((e: unknown) => e);
    expect(isAppError(removal, "not_found")).toBe(true);
    expect((await cart.getCart(USER)).summary.itemCount).toBe(1);
  });
});
