import { describe, expect, it } from "vitest";
import { refundAmountMinor } from "@/app/admin/orders/[id]/refund-input";
import { majorUnitsText } from "@/lib/domain/money";

const read = (currency: string, text: string) => {
  const r = refundAmountMinor(currency).safeParse(text);
  return r.success ? r.data : r.error.issues[0]!.message;
};

describe("the refund form's amount", () => {
  it("reads major units into integer minor units by string rules, never through a float", () => {
    expect(read("USD", "12.50")).toBe(1250);
    expect(read("USD", "12.5")).toBe(1250);
    expect(read("USD", "0.29")).toBe(29); // 0.29 * 100 is 28.999999999999996 as a float
    expect(read("USD", " 7 ")).toBe(700);
    expect(read("JPY", "1250")).toBe(1250);
  });

  it("refuses empty, zero, negative, garbage and too many decimals with a message for the field", () => {
    expect(read("USD", "")).toBe("Enter the amount to refund");
    expect(read("USD", "0")).toBe("Enter an amount above zero");
    expect(read("USD", "0.00")).toBe("Enter an amount above zero");
    expect(read("USD", "-5")).toBe("Enter an amount above zero");
    expect(read("USD", "12.505")).toBe("Enter an amount like 12.50");
    expect(read("USD", "1e3")).toBe("Enter an amount like 12.50");
    expect(read("JPY", "12.5")).toBe("Enter an amount like 1250");
  });

  it("shows an amount the way it reads it back", () => {
    expect(majorUnitsText(1250, "USD")).toBe("12.50");
    expect(majorUnitsText(5, "USD")).toBe("0.05");
    expect(read("USD", majorUnitsText(123456, "USD"))).toBe(123456);
    expect(majorUnitsText(1250, "JPY")).toBe("1250");
  });
});
