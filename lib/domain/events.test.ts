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
        payload: { orderId: id, userId: id, email: "x@example.com", currency: "USD", totalMinor: 1.5, lines: [] },
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
});
