import { describe, expect, it } from "vitest";
import { availability, decimalToMinor, effectiveSort, minorToDecimal, normalizeSearchText, offerName, SEARCH_TEXT_MAX_LENGTH, variantTitle } from "./catalog";
import { isAppError } from "./errors";

describe("availability", () => {
  it("says sold out at zero, 'only N left' up to five, in stock above", () => {
    expect(availability(0)).toEqual({ kind: "sold_out" });
    expect(availability(1)).toEqual({ kind: "low", left: 1 });
    expect(availability(5)).toEqual({ kind: "low", left: 5 });
    expect(availability(6)).toEqual({ kind: "in_stock" });
  });
});

describe("normalizeSearchText", () => {
  it("trims, collapses inner whitespace and treats blank as no search", () => {
    expect(normalizeSearchText("  oak \t  lamp \n")).toBe("oak lamp");
    expect(normalizeSearchText("   ")).toBeNull();
    expect(normalizeSearchText("")).toBeNull();
    expect(normalizeSearchText(undefined)).toBeNull();
  });

  it("composes a decomposed accent so 'café' is one spelling however it was typed", () => {
    expect(normalizeSearchText("cafe\u0301")).toBe("caf\u00e9");
  });

  it(`refuses more than ${SEARCH_TEXT_MAX_LENGTH} characters as a validation error on q`, () => {
    expect(normalizeSearchText("a".repeat(SEARCH_TEXT_MAX_LENGTH))).toHaveLength(SEARCH_TEXT_MAX_LENGTH);
    const error = (() => {
      try {
        normalizeSearchText("a".repeat(SEARCH_TEXT_MAX_LENGTH + 1));
      } catch (e) {
        return e;
      }
    })();
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields[0]!.path).toBe("q");
  });
});

describe("effectiveSort", () => {
  it("sorts by relevance by default when there are words, by name when there are none", () => {
    expect(effectiveSort(undefined, true)).toBe("relevance");
    expect(effectiveSort(undefined, false)).toBe("name");
  });

  it("turns 'relevance' without words into the default instead of failing", () => {
    expect(effectiveSort("relevance", false)).toBe("name");
  });

  it("keeps an explicit sort either way", () => {
    expect(effectiveSort("price_desc", true)).toBe("price_desc");
    expect(effectiveSort("newest", false)).toBe("newest");
  });
});

describe("decimalToMinor", () => {
  it.each([
    ["12", 1200],
    ["12.5", 1250],
    ["12.50", 1250],
    ["0.99", 99],
    ["0", 0],
    ["007.10", 710],
    [" 3 ", 300],
    ["12.", 1200],
    ["20000000.00", 2_000_000_000],
  ])("reads %j dollars as %i cents", (text, cents) => {
    expect(decimalToMinor(text, "USD")).toBe(cents);
  });

  it.each(["12.345", "-1", "1e3", "abc", "", "12,50", ".5", "0x10", "Infinity", "20000000.01", "9".repeat(40), "1 000"])(
    "refuses %j",
    (text) => {
      expect(decimalToMinor(text, "USD")).toBeNull();
    },
  );

  it("never goes through a float: 0.29 and 1.15 are exact", () => {
    // 0.29 * 100 === 28.999999999999996 and 1.15 * 100 === 114.99999999999999 in floating point.
    expect(decimalToMinor("0.29", "USD")).toBe(29);
    expect(decimalToMinor("1.15", "USD")).toBe(115);
  });

  it("uses the currency's own decimals", () => {
    expect(decimalToMinor("500", "JPY")).toBe(500);
    expect(decimalToMinor("5.5", "JPY")).toBeNull();
  });
});

describe("minorToDecimal", () => {
  it("renders minor units as the decimal string schema.org expects", () => {
    expect(minorToDecimal({ amountMinor: 1999, currency: "USD" })).toBe("19.99");
    expect(minorToDecimal({ amountMinor: 5, currency: "USD" })).toBe("0.05");
    expect(minorToDecimal({ amountMinor: 0, currency: "USD" })).toBe("0.00");
    expect(minorToDecimal({ amountMinor: 690_000, currency: "USD" })).toBe("6900.00");
    expect(minorToDecimal({ amountMinor: 500, currency: "JPY" })).toBe("500");
  });

  it("round-trips with decimalToMinor", () => {
    for (const cents of [0, 1, 99, 100, 1450, 7789, 123_456_789]) {
      expect(decimalToMinor(minorToDecimal({ amountMinor: cents, currency: "USD" }), "USD")).toBe(cents);
    }
  });

  it("refuses a fractional or negative amount", () => {
    expect(() => minorToDecimal({ amountMinor: 19.99, currency: "USD" })).toThrow(/integer/);
    expect(() => minorToDecimal({ amountMinor: -1, currency: "USD" })).toThrow(/non-negative/);
  });
});

describe("a variant's title and name (ADR 016)", () => {
  it("reads the option values in order, each with its option", () => {
    expect(variantTitle([{ option: "Size", value: "M" }, { option: "Wood", value: "Oak" }])).toBe("Size: M / Wood: Oak");
    expect(variantTitle([{ option: "Size", value: "M" }])).toBe("Size: M");
    expect(variantTitle([])).toBe("");
  });

  it("adds the title to the product's name in parentheses, and leaves a simple product's name plain", () => {
    expect(offerName({ name: "Oak chair", variantTitle: "Size: M / Wood: Oak" })).toBe("Oak chair (Size: M / Wood: Oak)");
    expect(offerName({ name: "Oak chair", variantTitle: "" })).toBe("Oak chair");
  });
});
