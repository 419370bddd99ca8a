import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { userCartOwner, type CartOwner } from "@/lib/domain/cart";
import { makeCart } from "./cart";
import { guestCartOwner, newGuestCartToken } from "./guest-token";
import { InMemoryStore } from "@/tests/support/in-memory";

const USER = userCartOwner("20000000-0000-4000-8000-000000000001");
const OTHER = userCartOwner("20000000-0000-4000-8000-000000000002");
const P1 = "30000000-0000-4000-8000-000000000001";
const V1 = "31000000-0000-4000-8000-000000000001";
const MISSING = "30000000-0000-4000-8000-000000000999";

/** P1 is a simple product: one variant, V1, without options. */
function setup(stock = 5) {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, variantId: V1, price: { amountMinor: 250, currency: "USD" }, stock });
  return { store, cart: makeCart({ uow: store.unitOfWork() }) };
}

const guest = (): CartOwner => guestCartOwner(newGuestCartToken())!;

describe("cart", () => {
  it("adds up quantities of the same product and totals in minor units", async () => {
    const { cart } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 1 });
    const { cart: c, summary } = await cart.addItem(USER, { productId: P1, quantity: 2 });
    expect(c.lines).toHaveLength(1);
    // A product sold in one variant takes that one without being told.
    expect(c.lines[0]!.product).toMatchObject({ id: P1, variantId: V1, variantTitle: "" });
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

describe("guest cart", () => {
  it("lets a guest add, change and remove lines in a cart of its own, stored under the token's hash", async () => {
    const { store, cart } = setup();
    const token = newGuestCartToken();
    const owner = guestCartOwner(token)!;
    const added = await cart.addItem(owner, { productId: P1, quantity: 2 });
    expect(added.summary.itemCount).toBe(2);
    const stored = [...store.state.carts.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ userId: null, guestTokenHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(stored[0]!.guestTokenHash).not.toContain(token);

    const itemId = added.cart.lines[0]!.itemId;
    expect((await cart.updateItem(owner, { itemId, quantity: 4 })).summary.itemCount).toBe(4);
    expect(await cart.itemCount(owner)).toBe(4);
    expect((await cart.removeItem(owner, itemId)).cart.lines).toEqual([]);
    expect(await cart.itemCount(owner)).toBe(0);
  });

  it("keeps guests' carts apart from each other and from users' carts", async () => {
    const { cart } = setup();
    const a = guest();
    const b = guest();
    const { cart: aCart } = await cart.addItem(a, { productId: P1, quantity: 1 });
    const itemId = aCart.lines[0]!.itemId;
    await cart.addItem(USER, { productId: P1, quantity: 3 });
    expect(await cart.itemCount(b)).toBe(0);
    expect(isAppError(await cart.updateItem(b, { itemId, quantity: 2 }).catch((e: unknown) => e), "not_found")).toBe(true);
    expect(isAppError(await cart.removeItem(USER, itemId).catch((e: unknown) => e), "not_found")).toBe(true);
    expect(await cart.itemCount(a)).toBe(1);
    expect(await cart.itemCount(USER)).toBe(3);
  });

  it("applies the stock rule to guests too", async () => {
    const { cart } = setup(1);
    const error = await cart.addItem(guest(), { productId: P1, quantity: 2 }).catch((e: unknown) => e);
    expect(isAppError(error, "insufficient_stock")).toBe(true);
  });

  it("shows an empty cart, without creating one, to a shopper who has none", async () => {
    const { store, cart } = setup();
    expect((await cart.getCart(null)).cart.lines).toEqual([]);
    expect(await cart.itemCount(null)).toBe(0);
    expect((await cart.getCart(guest())).summary.itemCount).toBe(0);
    expect(store.state.carts.size).toBe(0);
  });
});

describe("guest cart tokens", () => {
  it("are 256 random bits, and only well-formed tokens name a cart", () => {
    const token = newGuestCartToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newGuestCartToken()).not.toBe(token);
    expect(guestCartOwner(token)).toEqual(guestCartOwner(token));
    for (const bad of [undefined, null, "", "short", `${token}x`, token.replace(/.$/, "!")]) expect(guestCartOwner(bad)).toBeNull();
  });
});

describe("archived products", () => {
  it("refuses to add or raise a product the back office archived, with a clear message, changing nothing", async () => {
    const { store, cart } = setup();
    await cart.addItem(USER, { productId: P1, quantity: 1 });
    store.state.products.set(P1, { ...store.state.products.get(P1)!, archived: true });
    const add = await cart.addItem(OTHER, { productId: P1, quantity: 1 }).catch((e: unknown) => e);
    expect(isAppError(add, "validation")).toBe(true);
    expect((add as Error).message).toBe(`${store.state.products.get(P1)!.name} is no longer sold.`);
    const { cart: line } = await cart.getCart(USER);
    const raise = await cart.updateItem(USER, { itemId: line.lines[0]!.itemId, quantity: 2 }).catch((e: unknown) => e);
    expect(isAppError(raise, "validation")).toBe(true);
    expect((await cart.getCart(USER)).cart.lines[0]!.quantity).toBe(1);
    expect((await cart.getCart(OTHER)).cart.lines).toEqual([]);
  });
});

describe("variants: the variant is what a cart line holds (ADR 016)", () => {
  const CHAIR = "30000000-0000-4000-8000-0000000000c1";
  const OAK = "31000000-0000-4000-8000-0000000000c1";
  const WALNUT = "31000000-0000-4000-8000-0000000000c2";

  /** A chair in two woods: oak has 2 left at the product's price, walnut 50 at its own. */
  function chairs() {
    const { store, cart } = setup();
    store.addProduct({ id: CHAIR, name: "Chair", variantId: OAK, options: [{ option: "Wood", value: "Oak" }], stock: 2, price: { amountMinor: 9000, currency: "USD" } });
    store.addVariant(CHAIR, { id: WALNUT, options: [{ option: "Wood", value: "Walnut" }], stock: 50, priceOverrideMinor: 12000 });
    return { store, cart };
  }

  it("asks to choose an option when a product has several live variants and none is named, writing nothing", async () => {
    const { store, cart } = chairs();
    const error = await cart.addItem(USER, { productId: CHAIR, quantity: 1 }).catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(["variantId"]);
    expect(store.state.carts.size).toBe(0);
  });

  it("takes the only live variant when the product's others are archived", async () => {
    const { store, cart } = chairs();
    store.state.variants.get(OAK)!.archived = true;
    const { cart: c } = await cart.addItem(USER, { productId: CHAIR, quantity: 1 });
    expect(c.lines.map((l) => l.product.variantId)).toEqual([WALNUT]);
  });

  it("keeps two variants of one product on two lines, each with its own SKU, price and title", async () => {
    const { cart } = chairs();
    await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    const { cart: c, summary } = await cart.addItem(USER, { productId: CHAIR, variantId: WALNUT, quantity: 2 });
    expect(c.lines.map((l) => [l.product.id, l.product.variantId, l.product.variantTitle, l.product.price.amountMinor, l.quantity])).toEqual([
      [CHAIR, OAK, "Wood: Oak", 9000, 1],
      [CHAIR, WALNUT, "Wood: Walnut", 12000, 2],
    ]);
    expect(new Set(c.lines.map((l) => l.product.sku)).size).toBe(2);
    expect(summary).toEqual({ itemCount: 3, subtotal: { amountMinor: 33000, currency: "USD" } });
  });

  it("adds up the same variant on one line, capped at that variant's stock even when another variant has plenty", async () => {
    const { cart } = chairs();
    await cart.addItem(USER, { productId: CHAIR, variantId: WALNUT, quantity: 1 });
    await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    const { cart: c } = await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    expect(c.lines.filter((l) => l.product.variantId === OAK).map((l) => l.quantity)).toEqual([2]);

    const error = await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 }).catch((e: unknown) => e);
    expect(isAppError(error, "insufficient_stock")).toBe(true);
    expect((error as { fields: { path: string; message: string }[] }).fields).toEqual([{ path: "quantity", message: "Only 2 left" }]);
    const after = (await cart.getCart(USER)).cart.lines;
    expect(after.map((l) => [l.product.variantId, l.quantity])).toEqual([
      [WALNUT, 1],
      [OAK, 2],
    ]);
  });

  it("refuses to raise a variant's line above that variant's stock", async () => {
    const { cart } = chairs();
    const { cart: c } = await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    const error = await cart.updateItem(USER, { itemId: c.lines[0]!.itemId, quantity: 3 }).catch((e: unknown) => e);
    expect(isAppError(error, "insufficient_stock")).toBe(true);
    expect((await cart.updateItem(USER, { itemId: c.lines[0]!.itemId, quantity: 2 })).cart.lines[0]!.quantity).toBe(2);
  });

  it("answers not_found on variantId for a variant of another product, or none at all", async () => {
    const { store, cart } = chairs();
    for (const variantId of [V1, MISSING]) {
      const error = await cart.addItem(USER, { productId: CHAIR, variantId, quantity: 1 }).catch((e: unknown) => e);
      expect(isAppError(error, "not_found")).toBe(true);
      expect((error as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(["variantId"]);
    }
    expect(store.state.carts.size).toBe(0);
  });

  it("refuses an archived variant of a product still sold", async () => {
    const { store, cart } = chairs();
    store.state.variants.get(OAK)!.archived = true;
    const error = await cart.addItem(USER, { productId: CHAIR, variantId: OAK, quantity: 1 }).catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    // Named by its product at least (stage 3 adds the variant's title to shopper-facing names).
    expect((error as Error).message).toMatch(/^Chair\b.* is no longer sold\.$/);
    expect(store.state.carts.size).toBe(0);
  });
});
