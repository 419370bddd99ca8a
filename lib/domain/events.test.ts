import { describe, expect, it } from "vitest";
import { makeEvent, parseEventPayload } from "./events";

const id = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";

describe("event schemas", () => {
  it("builds a versioned event whose payload parses back", () => {
    const event = makeEvent("user.registered", {
      id,
      aggregateType: "user",
      aggregateId: id,
      occurredAt: new Date(),
      payload: { userId: id, email: "a@example.com", name: "A" },
    });
    expect(event.version).toBe(1);
    expect(parseEventPayload("user.registered", 1, JSON.parse(JSON.stringify(event.payload)))).toEqual(event.payload);
  });

  it("refuses a malformed payload on the way out", () => {
    expect(() =>
      makeEvent("order.created", {
        id,
        aggregateType: "order",
        aggregateId: id,
        occurredAt: new Date(),
        payload: {
          orderId: id,
          userId: id,
          email: "x@example.com",
          currency: "USD",
          subtotalMinor: 1,
          shippingMinor: 0.5,
          totalMinor: 1.5,
          shipTo: null,
          lines: [],
        },
      }),
    ).toThrow();
  });

  it("rejects unknown fields, unknown versions and negative quantities on the way in", () => {
    const base = { orderId: id, userId: id, email: "p@example.com", amountMinor: 100, currency: "USD" };
    expect(() => parseEventPayload("order.paid", 1, { ...base, extra: true })).toThrow();
    expect(() => parseEventPayload("order.paid", 2, base)).toThrow(/unsupported order.paid schema version 2/);
    expect(() =>
      parseEventPayload("order.created", 1, {
        orderId: id,
        userId: id,
        email: "x@example.com",
        currency: "USD",
        totalMinor: 0,
        lines: [{ productId: id, sku: "S", name: "N", unitPriceMinor: 1, quantity: -1 }],
      }),
    ).toThrow();
  });

  describe("order.created", () => {
    const variantId = "5b0e1c7a-2f3d-4c8e-9a1b-6d7e8f901234";
    /** A line before variants (v1, v2): it named a product only. */
    const line = { productId: id, sku: "S", name: "N", unitPriceMinor: 2500, quantity: 1 };
    /** The same line as v3 reads it: the product's default variant, which the migration gave the product's own id, without a title. */
    const upcastLine = { ...line, variantId: line.productId, variantTitle: "" };
    const v1 = { orderId: id, userId: id, email: "x@example.com", currency: "USD", totalMinor: 2500, lines: [line] };
    const shipTo = { name: "Ada", line1: "12 Hill St", line2: null, city: "SF", postalCode: "94107", country: "US" };
    const v2 = { ...v1, subtotalMinor: 2500, shippingMinor: 495, totalMinor: 2995, shipTo };
    const v3 = { ...v2, lines: [{ ...line, variantId, variantTitle: "Size: M / Wood: Oak" }] };

    it("is written as v3, with subtotal, shipping, the address and each line's variant", () => {
      const event = makeEvent("order.created", { id, aggregateType: "order", aggregateId: id, occurredAt: new Date(), payload: v3 });
      expect(event.version).toBe(3);
      expect(parseEventPayload("order.created", 3, JSON.parse(JSON.stringify(event.payload)))).toEqual(event.payload);
    });

    it("reads a v2 payload as v3: each line's variant is its product's default one (the product's id), untitled", () => {
      expect(parseEventPayload("order.created", 2, v2)).toEqual({ ...v2, lines: [upcastLine] });
    });

    it("reads a v1 payload as v3, through v2: subtotal is the total, no shipping, no address, the default variant", () => {
      expect(parseEventPayload("order.created", 1, v1)).toEqual({ ...v1, subtotalMinor: 2500, shippingMinor: 0, shipTo: null, lines: [upcastLine] });
      // v1 stays strict: v2's fields under version 1 are refused, not ignored.
      expect(() => parseEventPayload("order.created", 1, { ...v1, subtotalMinor: 2500 })).toThrow();
    });

    it("refuses a v3 line without its variant, or without its title", () => {
      const { variantId: _variantId, ...noVariant } = v3.lines[0]!;
      const { variantTitle: _variantTitle, ...noTitle } = v3.lines[0]!;
      expect(() => parseEventPayload("order.created", 3, { ...v3, lines: [noVariant] })).toThrow(/variantId/);
      expect(() => parseEventPayload("order.created", 3, { ...v3, lines: [noTitle] })).toThrow(/variantTitle/);
      expect(() => parseEventPayload("order.created", 3, { ...v3, lines: [{ ...v3.lines[0]!, variantId: "not-a-uuid" }] })).toThrow();
      expect(() =>
        makeEvent("order.created", { id, aggregateType: "order", aggregateId: id, occurredAt: new Date(), payload: { ...v3, lines: [noVariant] } as never }),
      ).toThrow();
    });

    it("refuses a v2 total that is not subtotal plus shipping, and a malformed address", () => {
      expect(() => parseEventPayload("order.created", 2, { ...v1, subtotalMinor: 2500, shippingMinor: 495, totalMinor: 2500, shipTo })).toThrow(
        /subtotalMinor \+ shippingMinor/,
      );
      expect(() =>
        parseEventPayload("order.created", 2, { ...v1, subtotalMinor: 2500, shippingMinor: 0, shipTo: { ...shipTo, country: "usa" } }),
      ).toThrow();
      expect(() => parseEventPayload("order.created", 4, v1)).toThrow(/unsupported order.created schema version 4/);
    });
  });

  describe("inventory.updated", () => {
    const variantId = "5b0e1c7a-2f3d-4c8e-9a1b-6d7e8f901234";
    const v1 = { reason: "reservation" as const, orderId: id, changes: [{ productId: id, delta: -2, stock: 3 }] };

    it("is written as v2, each change naming its variant", () => {
      const payload = { ...v1, changes: [{ productId: id, variantId, delta: -2, stock: 3 }] };
      const event = makeEvent("inventory.updated", { id, aggregateType: "order", aggregateId: id, occurredAt: new Date(), payload });
      expect(event.version).toBe(2);
      expect(parseEventPayload("inventory.updated", 2, JSON.parse(JSON.stringify(event.payload)))).toEqual(payload);
    });

    it("reads a v1 payload as v2: each change's variant is its product's default one, the product's id", () => {
      expect(parseEventPayload("inventory.updated", 1, v1)).toEqual({ ...v1, changes: [{ productId: id, variantId: id, delta: -2, stock: 3 }] });
    });

    it("refuses a v2 change without its variant", () => {
      expect(() => parseEventPayload("inventory.updated", 2, v1)).toThrow(/variantId/);
    });
  });
});
