import { describe, expect, it } from "vitest";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError } from "@/lib/domain/errors";
import type { DomainEvent } from "@/lib/domain/events";
import { makeCart } from "../cart/cart";
import { makeQuoteCheckout, quoteCart } from "./checkout-quote";
import { makePlaceOrder } from "./place-order";
import { SHIP_TO } from "@/tests/support/addresses";
import { fixedClock, InMemoryStore, sequentialIds } from "@/tests/support/in-memory";

const USER = "20000000-0000-4000-8000-000000000001";
const P1 = "30000000-0000-4000-8000-000000000001";
const P2 = "30000000-0000-4000-8000-000000000002";
const V1 = "31000000-0000-4000-8000-000000000001";
const V2 = "31000000-0000-4000-8000-000000000002";
const OWNER = userCartOwner(USER);

function setup() {
  const store = new InMemoryStore();
  store.addProduct({ id: P1, variantId: V1, price: { amountMinor: 1250, currency: "USD" }, stock: 5 });
  store.addProduct({ id: P2, variantId: V2, price: { amountMinor: 399, currency: "USD" }, stock: 5 });
  const uow = store.unitOfWork();
  const cart = makeCart({ uow });
  const placeOrder = makePlaceOrder({ uow, ids: sequentialIds(), clock: fixedClock() });
  const input = { userId: USER, email: "u@example.com", checkoutKey: "k1", shipTo: SHIP_TO };
  return { store, cart, placeOrder, input };
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("placeOrder", () => {
  it("creates a pending order with price snapshots, shipping, the address, an order.created event, and empties the cart", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 2 });
    await cart.addItem(OWNER, { productId: P2, quantity: 1 });

    const { order, created } = await placeOrder(input);

    expect(created).toBe(true);
    expect(order.status).toBe("pending");
    expect([order.subtotal, order.shipping, order.total]).toEqual([
      { amountMinor: 2899, currency: "USD" },
      { amountMinor: 495, currency: "USD" },
      { amountMinor: 3394, currency: "USD" },
    ]);
    expect(order.shipTo).toEqual(SHIP_TO);
    expect(order.lines.map((l) => [l.productId, l.variantId, l.variantTitle, l.quantity, l.unitPrice.amountMinor])).toEqual([
      [P1, V1, "", 2, 1250],
      [P2, V2, "", 1, 399],
    ]);
    expect(store.state.outbox).toHaveLength(1);
    expect(store.state.outbox[0]).toMatchObject({
      type: "order.created",
      version: 3,
      aggregateId: order.id,
      payload: {
        subtotalMinor: 2899,
        shippingMinor: 495,
        totalMinor: 3394,
        shipTo: SHIP_TO,
        lines: [
          { productId: P1, variantId: V1, variantTitle: "", quantity: 2, unitPriceMinor: 1250 },
          { productId: P2, variantId: V2, variantTitle: "", quantity: 1, unitPriceMinor: 399 },
        ],
      },
    });
    expect((await cart.getCart(OWNER)).cart.lines).toEqual([]);
  });

  it("ships free from a $50.00 subtotal on", async () => {
    const { cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 4 });
    const { order } = await placeOrder(input);
    expect([order.subtotal.amountMinor, order.shipping.amountMinor, order.total.amountMinor]).toEqual([5000, 0, 5000]);
  });

  it("charges what the review step showed: the quote and the order agree", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    await cart.addItem(OWNER, { productId: P2, quantity: 3 });
    const quoteCheckout = makeQuoteCheckout({ carts: { loadFor: async () => (await cart.getCart(OWNER)).cart } });
    const quote = await quoteCheckout(USER);
    const { order } = await placeOrder({ ...input, expectedTotalMinor: quote!.total.amountMinor });
    expect([order.subtotal, order.shipping, order.total]).toEqual([quote!.subtotal, quote!.shipping, quote!.total]);
    expect(order.lines).toEqual(quote!.lines);
    expect(store.state.orders.size).toBe(1);
  });

  it("places nothing when the cart changed since the review, and says the new total", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const reviewed = quoteCart((await cart.getCart(OWNER)).cart)!.total.amountMinor;
    await cart.addItem(OWNER, { productId: P2, quantity: 1 });

    const error = await thrown(placeOrder({ ...input, expectedTotalMinor: reviewed }));
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toContain("the total is now $21.44");
    expect(store.state.orders.size).toBe(0);
    expect(store.state.outbox).toHaveLength(0);
    expect((await cart.getCart(OWNER)).cart.lines).toHaveLength(2);
  });

  it("keeps the price it was placed at when the catalog price changes later", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const { order } = await placeOrder(input);
    store.state.products.set(P1, { ...store.state.products.get(P1)!, price: { amountMinor: 9999, currency: "USD" } });
    expect(store.state.orders.get(order.id)!.lines[0]!.unitPrice.amountMinor).toBe(1250);
  });

  it("returns the first order when the same checkout is submitted again", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const results = await Promise.all(Array.from({ length: 5 }, () => placeOrder({ ...input, checkoutKey: "same" })));
    expect(new Set(results.map((r) => r.order.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(store.state.orders.size).toBe(1);
    expect(store.state.outbox).toHaveLength(1);
  });

  it("returns the first order to a retry even though its cart is empty by then and its reviewed total is stale", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const first = await placeOrder({ ...input, expectedTotalMinor: 1745 });
    const retry = await placeOrder({ ...input, expectedTotalMinor: 1745 });
    expect(retry).toEqual({ order: first.order, created: false });
    expect(store.state.orders.size).toBe(1);
  });

  it("refuses an empty cart (e.g. emptied in another tab) and writes nothing", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const [line] = (await cart.getCart(OWNER)).cart.lines;
    await cart.removeItem(OWNER, line!.itemId);

    const error = await thrown(placeOrder({ ...input, checkoutKey: "other-tab" }));
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toBe("Your cart is empty, so nothing was ordered.");
    expect(store.state.orders.size).toBe(0);
    expect(store.state.outbox).toHaveLength(0);
  });

  it("validates the address again whoever calls, and tidies it before storing", async () => {
    const { store, cart, placeOrder, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });

    const bad = await thrown(placeOrder({ ...input, shipTo: { ...SHIP_TO, name: "x".repeat(101), postalCode: "ABC" } }));
    expect(isAppError(bad, "validation")).toBe(true);
    expect((bad as { fields: { path: string }[] }).fields.map((f) => f.path)).toEqual(["name", "postalCode"]);
    const missing = await thrown(placeOrder({ ...input, shipTo: undefined as never }));
    expect(isAppError(missing, "validation")).toBe(true);
    expect(store.state.orders.size).toBe(0);

    const { order } = await placeOrder({ ...input, shipTo: { ...SHIP_TO, name: "  Zoe\u0308  Ł ", line2: "  " } });
    expect(order.shipTo).toEqual({ ...SHIP_TO, name: "Zo\u00eb Ł", line2: null });
    const event = store.state.outbox[0] as DomainEvent<"order.created">;
    expect(event.payload.shipTo).toEqual(order.shipTo);
  });
});

describe("placeOrder's onPlaced", () => {
  it("is told once per order created: not for a resubmission of the same checkout, not for a refused one", async () => {
    const store = new InMemoryStore();
    store.addProduct({ id: P1, variantId: V1, price: { amountMinor: 1250, currency: "USD" }, stock: 5 });
    const uow = store.unitOfWork();
    const placed: string[] = [];
    const placeOrder = makePlaceOrder({ uow, ids: sequentialIds(), clock: fixedClock(), onPlaced: (order) => void placed.push(order.id) });
    const input = { userId: USER, email: "u@example.com", checkoutKey: "k1", shipTo: SHIP_TO };
    const cart = makeCart({ uow });

    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    const { order } = await placeOrder(input);
    await placeOrder(input);
    expect(isAppError(await thrown(placeOrder({ ...input, checkoutKey: "k2" })), "validation")).toBe(true);

    expect(placed).toEqual([order.id]);
  });
});

describe("quoteCheckout", () => {
  it("prices the shopper's cart as it is now, and has nothing to quote for an empty cart", async () => {
    const { cart } = setup();
    const quoteCheckout = makeQuoteCheckout({ carts: { loadFor: async (owner) => (await cart.getCart(owner)).cart } });
    expect(await quoteCheckout(USER)).toBeNull();
    await cart.addItem(OWNER, { productId: P2, quantity: 2 });
    expect(await quoteCheckout(USER)).toMatchObject({
      lines: [{ productId: P2, variantId: V2, variantTitle: "", quantity: 2, unitPrice: { amountMinor: 399 } }],
      subtotal: { amountMinor: 798 },
      shipping: { amountMinor: 495 },
      total: { amountMinor: 1293 },
    });
  });
});

describe("placeOrder with archived products", () => {
  it("refuses a cart holding a product archived since it was added, naming it, and writes nothing", async () => {
    const { store, cart, input } = setup();
    await cart.addItem(OWNER, { productId: P1, quantity: 1 });
    await cart.addItem(OWNER, { productId: P2, quantity: 1 });
    const uow = store.unitOfWork();
    // The repository reports which lines' variants are archived (with or without their product); here P1's is.
    const placeOrder = makePlaceOrder({
      uow: {
        run: (work, signal) =>
          uow.run(
            (repos) =>
              work({
                ...repos,
                carts: {
                  ...repos.carts,
                  lockAndLoad: async (userId: string) => {
                    const c = await repos.carts.lockAndLoad(userId);
                    return c && { ...c, archivedVariantIds: [V1] };
                  },
                },
              }),
            signal,
          ),
      },
      ids: sequentialIds(),
      clock: fixedClock(),
    });
    const error = await thrown(placeOrder(input));
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toBe(`${store.state.products.get(P1)!.name} is no longer sold. Please remove it from your cart, then place the order.`);
    expect(store.state.orders.size).toBe(0);
    expect(store.state.outbox).toEqual([]);
    expect((await cart.getCart(OWNER)).cart.lines).toHaveLength(2);
  });
});

describe("placeOrder with variants (ADR 016)", () => {
  const CHAIR = "30000000-0000-4000-8000-0000000000c1";
  const OAK = "31000000-0000-4000-8000-0000000000c1";
  const WALNUT = "31000000-0000-4000-8000-0000000000c2";

  function chairs() {
    const s = setup();
    s.store.addProduct({ id: CHAIR, name: "Chair", variantId: OAK, options: [{ option: "Wood", value: "Oak" }], price: { amountMinor: 9000, currency: "USD" }, stock: 3 });
    s.store.addVariant(CHAIR, { id: WALNUT, options: [{ option: "Wood", value: "Walnut" }], priceOverrideMinor: 12000, stock: 3 });
    return s;
  }

  it("orders two variants of one product as two lines, each with its variant, title, SKU and price", async () => {
    const { store, cart, placeOrder, input } = chairs();
    await cart.addItem(OWNER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    await cart.addItem(OWNER, { productId: CHAIR, variantId: WALNUT, quantity: 2 });
    const { order } = await placeOrder(input);
    expect(order.lines.map((l) => [l.productId, l.variantId, l.variantTitle, l.sku, l.unitPrice.amountMinor, l.quantity])).toEqual([
      [CHAIR, OAK, "Wood: Oak", store.state.variants.get(OAK)!.sku, 9000, 1],
      [CHAIR, WALNUT, "Wood: Walnut", store.state.variants.get(WALNUT)!.sku, 12000, 2],
    ]);
    expect(order.subtotal.amountMinor).toBe(33000);
    const event = store.state.outbox[0] as DomainEvent<"order.created">;
    expect(event.payload.lines.map((l) => [l.variantId, l.variantTitle])).toEqual([
      [OAK, "Wood: Oak"],
      [WALNUT, "Wood: Walnut"],
    ]);
  });

  it("refuses a cart holding a variant archived since it was added, naming the variant, though its product is still sold", async () => {
    const { store, cart, placeOrder, input } = chairs();
    await cart.addItem(OWNER, { productId: CHAIR, variantId: OAK, quantity: 1 });
    await cart.addItem(OWNER, { productId: CHAIR, variantId: WALNUT, quantity: 1 });
    store.state.variants.get(OAK)!.archived = true;
    const error = await thrown(placeOrder(input));
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as Error).message).toBe("Chair (Wood: Oak) is no longer sold. Please remove it from your cart, then place the order.");
    expect(store.state.orders.size).toBe(0);
    expect(store.state.outbox).toEqual([]);
  });
});
