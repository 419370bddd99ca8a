import { describe, expect, it } from "vitest";
import { isAppError } from "./errors";
import { amountToFreeShipping, orderTotals, shippingFor } from "./shipping";

const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });

describe("shipping rule", () => {
  it("charges $4.95 below $50.00 and nothing from $50.00 on", () => {
    expect(shippingFor(usd(1))).toEqual(usd(495));
    expect(shippingFor(usd(4999))).toEqual(usd(495));
    expect(shippingFor(usd(5000))).toEqual(usd(0));
    expect(shippingFor(usd(123_456))).toEqual(usd(0));
  });

  it("refuses a currency it has no rule for instead of guessing", () => {
    try {
      shippingFor({ amountMinor: 1000, currency: "EUR" });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error, "validation")).toBe(true);
    }
  });

  it("says how much more ships free, and nothing once it does", () => {
    expect(amountToFreeShipping(usd(3500))).toEqual(usd(1500));
    expect(amountToFreeShipping(usd(5000))).toBeNull();
    expect(amountToFreeShipping({ amountMinor: 10, currency: "EUR" })).toBeNull();
  });
});

describe("orderTotals", () => {
  it("adds line totals, then shipping on the subtotal, in integer minor units", () => {
    expect(orderTotals([{ unitPrice: usd(1250), quantity: 2 }, { unitPrice: usd(399), quantity: 1 }])).toEqual({
      subtotal: usd(2899),
      shipping: usd(495),
      total: usd(3394),
    });
    // Float arithmetic would drift here (0.1 + 0.2); minor units do not.
    expect(orderTotals([{ unitPrice: usd(10), quantity: 1 }, { unitPrice: usd(20), quantity: 1 }]).total).toEqual(usd(525));
  });

  it("ships free when the lines reach $50.00 together", () => {
    expect(orderTotals([{ unitPrice: usd(2500), quantity: 2 }])).toEqual({ subtotal: usd(5000), shipping: usd(0), total: usd(5000) });
  });

  it("refuses no lines, and lines in two currencies", () => {
    expect(() => orderTotals([])).toThrow(/at least one line/);
    expect(() => orderTotals([{ unitPrice: usd(100), quantity: 1 }, { unitPrice: { amountMinor: 100, currency: "EUR" }, quantity: 1 }])).toThrow(
      /cannot add EUR to USD/,
    );
  });
});
