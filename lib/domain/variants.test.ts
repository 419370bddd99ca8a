import { describe, expect, it } from "vitest";
import { choiceFromParams, initialChoice, optionParam, priceRange, valueStates, variantFor, type ProductOption, type VariantView } from "./variants";

const usd = (amountMinor: number) => ({ amountMinor, currency: "USD" });
const options: ProductOption[] = [
  { name: "Size", values: ["S", "M", "L"] },
  { name: "Colour", values: ["Oak", "Walnut"] },
];
// Not every combination is sold: no L in Oak; M in Walnut is sold out.
const variants: VariantView[] = [
  { id: "s-oak", sku: "S-OAK", price: usd(4000), stock: 3, values: ["S", "Oak"] },
  { id: "s-wal", sku: "S-WAL", price: usd(4500), stock: 1, values: ["S", "Walnut"] },
  { id: "m-oak", sku: "M-OAK", price: usd(4000), stock: 0, values: ["M", "Oak"] },
  { id: "m-wal", sku: "M-WAL", price: usd(4500), stock: 0, values: ["M", "Walnut"] },
  { id: "l-wal", sku: "L-WAL", price: usd(5500), stock: 7, values: ["L", "Walnut"] },
];

describe("variantFor", () => {
  it("names the variant of a full choice, and none for a partial choice or a combination not sold", () => {
    expect(variantFor(options, variants, { Size: "L", Colour: "Walnut" })?.id).toBe("l-wal");
    expect(variantFor(options, variants, { Size: "L" })).toBeNull();
    expect(variantFor(options, variants, { Size: "L", Colour: "Oak" })).toBeNull();
  });

  it("takes the one variant of a product without options", () => {
    const single = [{ id: "only", sku: "X", price: usd(100), stock: 1, values: [] }];
    expect(variantFor([], single, {})?.id).toBe("only");
  });
});

describe("valueStates", () => {
  it("marks each value available, sold out or not sold, given the other options' choice", () => {
    expect(valueStates(options, variants, { Size: "L", Colour: "Walnut" })).toEqual([
      ["available", "sold_out", "available"], // in Walnut: S has stock, M none, L has
      ["unavailable", "available"], // in L: no Oak is made
    ]);
    expect(valueStates(options, variants, { Size: "M", Colour: "Oak" })).toEqual([
      ["available", "sold_out", "unavailable"],
      ["sold_out", "sold_out"],
    ]);
  });

  it("counts every variant of a value while the other option is not chosen", () => {
    expect(valueStates(options, variants, {})).toEqual([
      ["available", "sold_out", "available"],
      ["available", "available"],
    ]);
  });
});

describe("initialChoice", () => {
  it("keeps the asked values that exist and completes them from the first variant in stock that agrees", () => {
    expect(initialChoice(options, variants, {})).toEqual({ Size: "S", Colour: "Oak" });
    expect(initialChoice(options, variants, { Colour: "Walnut" })).toEqual({ Size: "S", Colour: "Walnut" });
    expect(initialChoice(options, variants, { Size: "M" })).toEqual({ Size: "M", Colour: "Oak" }); // sold out, but what was asked
    expect(initialChoice(options, variants, { Size: "XXL", Colour: "Walnut" })).toEqual({ Size: "S", Colour: "Walnut" });
  });
});

describe("prices and URL parameters", () => {
  it("finds the lowest and highest price", () => {
    expect(priceRange(variants)).toEqual({ min: usd(4000), max: usd(5500) });
    expect(priceRange([])).toBeNull();
  });

  it("names an option's parameter in lower case, words joined by -, and reads a choice back", () => {
    expect(optionParam(" Leg colour ")).toBe("leg-colour");
    expect(optionParam("Größe")).toBe("größe");
    const params = new URLSearchParams("size=L&colour=Walnut&other=x");
    expect(choiceFromParams(options, params)).toEqual({ Size: "L", Colour: "Walnut" });
  });
});
