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
    const line = { productId: id, sku: "S", name: "N", unitPriceMinor: 2500, quantity: 1 };
    const v1 = { orderId: id, userId: id, email: "x@example.com", currency: "USD", totalMinor: 2500, lines: [line] };
    const shipTo = { name: "Ada", line1: "12 Hill St", line2: null, city: "SF", postalCode: "94107", country: "US" };

    it("is written as v2, with subtotal, shipping and the address", () => {
      const event = makeEvent("order.created", {
        id,
        aggregateType: "order",
        aggregateId: id,
        occurredAt: new Date(),
        payload: { ...v1, subtotalMinor: 2500, shippingMinor: 495, totalMinor: 2995, shipTo },
      });
      expect(event.version).toBe(2);
      expect(parseEventPayload("order.created", 2, JSON.parse(JSON.stringify(event.payload)))).toEqual(event.payload);
    });

    it("reads a v1 payload as v2: subtotal is the total, no shipping, no address", () => {
      expect(parseEventPayload("order.created", 1, v1)).toEqual({ ...v1, subtotalMinor: 2500, shippingMinor: 0, shipTo: null });
      // v1 stays strict: v2's fields under version 1 are refused, not ignored.
      expect(() => parseEventPayload("order.created", 1, { ...v1, subtotalMinor: 2500 })).toThrow();
    });

    it("refuses a v2 total that is not subtotal plus shipping, and a malformed address", () => {
      expect(() => parseEventPayload("order.created", 2, { ...v1, subtotalMinor: 2500, shippingMinor: 495, totalMinor: 2500, shipTo })).toThrow(
        /subtotalMinor \+ shippingMinor/,
      );
      expect(() =>
        parseEventPayload("order.created", 2, { ...v1, subtotalMinor: 2500, shippingMinor: 0, shipTo: { ...shipTo, country: "usa" } }),
      ).toThrow();
      expect(() => parseEventPayload("order.created", 3, v1)).toThrow(/unsupported order.created schema version 3/);
    });
  });
});
