import { describe, expect, it } from "vitest";
import { currencyDecimals, formatMoney, money, multiply, sum, type Money } from "./money";

describe("money", () => {
  it("keeps amounts as integer minor units", () => {
    expect(multiply(money(1999, "USD"), 3)).toEqual({ amountMinor: 5997, currency: "USD" });
    expect(sum([money(10, "USD"), money(20, "USD")], "USD").amountMinor).toBe(30);
  });

  it("rejects fractional, unsafe and out-of-range amounts", () => {
    expect(() => money(19.99, "USD")).toThrow(/integer/);
    expect(() => money(Number.MAX_SAFE_INTEGER + 1, "USD")).toThrow(/integer/);
    expect(() => money(3_000_000_000, "USD")).toThrow(/out of range/);
    expect(() => multiply(money(1_000_000_000, "USD"), 3)).toThrow(/out of range/);
  });

  it("refuses to add different currencies", () => {
    expect(() => sum([money(1, "USD"), money(1, "EUR")], "USD")).toThrow(/cannot add EUR to USD/);
  });

  it("formats with the currency's own number of decimals", () => {
    expect(formatMoney(money(1999, "USD"))).toBe("$19.99");
    expect(formatMoney(money(500, "JPY"))).toBe("¥500");
  });

  it("keeps one formatter per locale and currency without mixing them up", () => {
    expect(formatMoney(money(1999, "USD"))).toBe("$19.99");
    expect(formatMoney(money(1999, "USD"), "de-DE")).toBe("19,99\u00a0$");
    expect(formatMoney(money(1999, "EUR"))).toBe("€19.99");
    expect(formatMoney(money(1999, "USD"))).toBe("$19.99");
    expect(currencyDecimals("JPY")).toBe(0);
    expect(currencyDecimals("BHD")).toBe(3);
    // A currency Intl does not know is refused every time, never remembered.
    expect(() => formatMoney({ amountMinor: 1, currency: "US$" } as Money)).toThrow(RangeError);
    expect(() => formatMoney({ amountMinor: 1, currency: "US$" } as Money)).toThrow(RangeError);
  });
});
