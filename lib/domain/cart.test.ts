import { describe, expect, it } from "vitest";
import type { VariantOffer } from "./catalog";
import { describeMerge, MAX_LINE_QUANTITY, mergeLine } from "./cart";

/** A simple product's one variant: no options, so no title. */
const product = (stock: number, variantTitle = ""): VariantOffer => ({
  id: "30000000-0000-4000-8000-000000000001",
  variantId: "31000000-0000-4000-8000-000000000001",
  variantTitle,
  sku: "SKU-1",
  slug: "oak-lamp",
  name: "Oak Lamp",
  description: "",
  price: { amountMinor: 100, currency: "USD" },
  stock,
  imageUrl: null,
});

describe("merging one line", () => {
  it("adds up when stock allows", () => {
    expect(mergeLine(product(10), 2, 3)).toEqual({ quantity: 5, adjustment: null });
  });

  it("caps at the stock left", () => {
    expect(mergeLine(product(3), 2, 3)).toEqual({ quantity: 3, adjustment: { productName: "Oak Lamp", requested: 5, quantity: 3, reason: "stock" } });
  });

  it("caps at the line limit when stock is larger", () => {
    expect(mergeLine(product(1000), 90, 20).adjustment).toMatchObject({ quantity: MAX_LINE_QUANTITY, reason: "line_limit" });
  });

  it("drops a sold-out product", () => {
    expect(mergeLine(product(0), 0, 2)).toEqual({ quantity: 0, adjustment: { productName: "Oak Lamp", requested: 2, quantity: 0, reason: "sold_out" } });
  });

  it("names a variant by its product's name and its options", () => {
    expect(mergeLine(product(3, "Shade: Linen"), 2, 3).adjustment).toMatchObject({ productName: "Oak Lamp (Shade: Linen)", quantity: 3, reason: "stock" });
  });
});

describe("the merge message", () => {
  it("says what was added and what was reduced", () => {
    expect(describeMerge({ itemsAdded: 2, adjustments: [{ productName: "Oak Lamp", requested: 5, quantity: 3, reason: "stock" }] })).toBe(
      "2 items from your guest cart were added; Oak Lamp was reduced to 3, the stock left.",
    );
    expect(describeMerge({ itemsAdded: 1, adjustments: [] })).toBe("1 item from your guest cart was added to your cart.");
    expect(describeMerge({ itemsAdded: 0, adjustments: [{ productName: "Glass Vase", requested: 1, quantity: 0, reason: "sold_out" }] })).toBe(
      "Nothing from your guest cart could be added; Glass Vase is sold out.",
    );
  });

  it("says nothing when nothing changed", () => {
    expect(describeMerge({ itemsAdded: 0, adjustments: [] })).toBeNull();
  });
});
