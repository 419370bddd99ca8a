import { describe, expect, it } from "vitest";
import { MAX_LINE_QUANTITY, userCartOwner } from "@/lib/domain/cart";
import { makeCart } from "./cart";
import { guestCartOwner, newGuestCartToken } from "./guest-token";
import { makeMergeGuestCart } from "./merge-guest-cart";
import { defaultVariantId, InMemoryStore } from "@/tests/support/in-memory";

const ANN = "20000000-0000-4000-8000-000000000001";
const BOB = "20000000-0000-4000-8000-000000000002";
const LAMP = "30000000-0000-4000-8000-000000000001";
const MUG = "30000000-0000-4000-8000-000000000002";
const VASE = "30000000-0000-4000-8000-000000000003";
// Each a simple product: one variant, which is what a cart line holds (ADR 016).
const [LAMP_V, MUG_V, VASE_V] = [LAMP, MUG, VASE].map(defaultVariantId) as [string, string, string];

function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: LAMP, name: "Oak Lamp", stock: 3 });
  store.addProduct({ id: MUG, name: "Clay Mug", stock: 500 });
  store.addProduct({ id: VASE, name: "Glass Vase", stock: 10 });
  const uow = store.unitOfWork();
  const guest = guestCartOwner(newGuestCartToken())!;
  if (guest.kind !== "guest") throw new Error("unreachable");
  return { store, cart: makeCart({ uow }), merge: makeMergeGuestCart({ uow }), guest, tokenHash: guest.tokenHash };
}

/** Quantity by variant: a cart has one line per variant. */
const quantities = (lines: readonly { product: { variantId: string }; quantity: number }[]) =>
  Object.fromEntries(lines.map((l) => [l.product.variantId, l.quantity]));

describe("merging a guest cart at sign-in", () => {
  it("adds the guest's quantities to the account's and deletes the guest cart", async () => {
    const { store, cart, merge, guest, tokenHash } = setup();
    await cart.addItem(userCartOwner(ANN), { productId: VASE, quantity: 2 });
    await cart.addItem(guest, { productId: VASE, quantity: 3 });
    await cart.addItem(guest, { productId: MUG, quantity: 1 });

    const result = await merge({ userId: ANN, guestTokenHash: tokenHash });

    expect(result).toEqual({ itemsAdded: 4, adjustments: [] });
    expect(quantities((await cart.getCart(userCartOwner(ANN))).cart.lines)).toEqual({ [VASE_V]: 5, [MUG_V]: 1 });
    expect([...store.state.carts.values()].some((c) => c.guestTokenHash === tokenHash)).toBe(false);
  });

  it("caps a line at the stock left and at the line limit, and says so", async () => {
    const { store, cart, merge, guest, tokenHash } = setup();
    await cart.addItem(userCartOwner(ANN), { productId: LAMP, quantity: 2 });
    await cart.addItem(guest, { productId: LAMP, quantity: 3 });
    await cart.addItem(userCartOwner(ANN), { productId: MUG, quantity: 60 });
    await cart.addItem(guest, { productId: MUG, quantity: 60 });
    await cart.addItem(guest, { productId: VASE, quantity: 4 });
    // The vase sold out after the guest put it in the cart.
    store.state.variants.get(VASE_V)!.stock = 0;

    const result = await merge({ userId: ANN, guestTokenHash: tokenHash });

    expect(quantities((await cart.getCart(userCartOwner(ANN))).cart.lines)).toEqual({ [LAMP_V]: 3, [MUG_V]: MAX_LINE_QUANTITY });
    expect(result.itemsAdded).toBe(1 + (MAX_LINE_QUANTITY - 60));
    expect(result.adjustments).toEqual([
      { productName: "Oak Lamp", requested: 5, quantity: 3, reason: "stock" },
      { productName: "Clay Mug", requested: 120, quantity: MAX_LINE_QUANTITY, reason: "line_limit" },
      { productName: "Glass Vase", requested: 4, quantity: 0, reason: "sold_out" },
    ]);
  });

  it("does nothing the second time: the first merge deleted the guest cart", async () => {
    const { cart, merge, guest, tokenHash } = setup();
    await cart.addItem(guest, { productId: VASE, quantity: 2 });

    const [first, second] = await Promise.all([merge({ userId: ANN, guestTokenHash: tokenHash }), merge({ userId: ANN, guestTokenHash: tokenHash })]);

    expect(first.itemsAdded).toBe(2);
    expect(second).toEqual({ itemsAdded: 0, adjustments: [] });
    expect(quantities((await cart.getCart(userCartOwner(ANN))).cart.lines)).toEqual({ [VASE_V]: 2 });
  });

  it("leaves another user's cart untouched", async () => {
    const { cart, merge, guest, tokenHash } = setup();
    await cart.addItem(userCartOwner(BOB), { productId: VASE, quantity: 1 });
    await cart.addItem(guest, { productId: VASE, quantity: 2 });

    await merge({ userId: ANN, guestTokenHash: tokenHash });

    expect(quantities((await cart.getCart(userCartOwner(BOB))).cart.lines)).toEqual({ [VASE_V]: 1 });
    expect(quantities((await cart.getCart(userCartOwner(ANN))).cart.lines)).toEqual({ [VASE_V]: 2 });
  });

  it("merges nothing for a token that has no cart", async () => {
    const { cart, merge } = setup();
    const stranger = guestCartOwner(newGuestCartToken())!;
    if (stranger.kind !== "guest") throw new Error("unreachable");
    expect(await merge({ userId: ANN, guestTokenHash: stranger.tokenHash })).toEqual({ itemsAdded: 0, adjustments: [] });
    expect((await cart.getCart(userCartOwner(ANN))).cart.lines).toEqual([]);
  });

  it("merges per variant: a guest's variant adds to the account's line of that variant only, each capped at its own stock", async () => {
    const { store, cart, merge, guest, tokenHash } = setup();
    const SHIRT = "30000000-0000-4000-8000-0000000000a1";
    const [SMALL, LARGE] = ["31000000-0000-4000-8000-0000000000a1", "31000000-0000-4000-8000-0000000000a2"];
    store.addProduct({ id: SHIRT, name: "Shirt", variantId: SMALL, options: [{ option: "Size", value: "S" }], stock: 2 });
    store.addVariant(SHIRT, { id: LARGE, options: [{ option: "Size", value: "L" }], stock: 40 });
    await cart.addItem(userCartOwner(ANN), { productId: SHIRT, variantId: SMALL, quantity: 1 });
    await cart.addItem(guest, { productId: SHIRT, variantId: SMALL, quantity: 2 });
    await cart.addItem(guest, { productId: SHIRT, variantId: LARGE, quantity: 3 });

    const result = await merge({ userId: ANN, guestTokenHash: tokenHash });

    expect(quantities((await cart.getCart(userCartOwner(ANN))).cart.lines)).toEqual({ [SMALL]: 2, [LARGE]: 3 });
    expect(result.itemsAdded).toBe(1 + 3);
    expect(result.adjustments).toEqual([{ productName: "Shirt (Size: S)", requested: 3, quantity: 2, reason: "stock" }]);
  });
});
