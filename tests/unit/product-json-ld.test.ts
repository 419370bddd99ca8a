import { describe, expect, it } from "vitest";
import type { ProductDetails } from "@/lib/domain/catalog";
import { jsonLdScript, productJsonLd } from "@/app/products/[slug]/json-ld";

const product: ProductDetails = {
  id: "p1",
  sku: "SKU-0001",
  slug: "oak-mug",
  name: "Oak Mug",
  description: "For a café au lait.",
  price: { amountMinor: 1587, currency: "USD" },
  stock: 42,
  imageUrl: "/images/products/oak-mug.svg",
  options: [],
  variants: [{ id: "v1", sku: "SKU-0001", price: { amountMinor: 1587, currency: "USD" }, stock: 42, values: [] }],
  categories: [{ id: "c1", slug: "kitchen", name: "Kitchen & dining", description: "" }],
  updatedAt: new Date("2026-01-01T00:00:00Z"),
};

describe("product JSON-LD", () => {
  it("describes a schema.org Product with an Offer priced as a decimal string from minor units", () => {
    expect(productJsonLd(product, "https://shop.example")).toEqual({
      "@context": "https://schema.org",
      "@type": "Product",
      name: "Oak Mug",
      description: "For a café au lait.",
      sku: "SKU-0001",
      url: "https://shop.example/products/oak-mug",
      image: "https://shop.example/images/products/oak-mug.svg",
      category: "Kitchen & dining",
      offers: {
        "@type": "Offer",
        url: "https://shop.example/products/oak-mug",
        price: "15.87",
        priceCurrency: "USD",
        availability: "https://schema.org/InStock",
        itemCondition: "https://schema.org/NewCondition",
      },
    });
  });

  it.each([
    [0, "https://schema.org/OutOfStock"],
    [3, "https://schema.org/LimitedAvailability"],
    [6, "https://schema.org/InStock"],
  ])("maps a stock of %i to %s", (stock, url) => {
    expect(productJsonLd({ ...product, stock }, "https://shop.example")).toMatchObject({ offers: { availability: url } });
  });

  it("describes a product with options as a ProductGroup with one Product and Offer per live variant, at the URL of its choice", () => {
    const chair: ProductDetails = {
      ...product,
      sku: "CHAIR",
      slug: "oak-chair",
      name: "Chair",
      options: [
        { name: "Size", values: ["S", "M"] },
        { name: "Wood", values: ["Oak", "Walnut"] },
        { name: "Finish", values: ["Oiled"] },
      ],
      variants: [
        { id: "v1", sku: "CHAIR-S-OAK", price: { amountMinor: 9900, currency: "USD" }, stock: 0, values: ["S", "Oak", "Oiled"] },
        { id: "v2", sku: "CHAIR-M-WAL", price: { amountMinor: 12900, currency: "USD" }, stock: 9, values: ["M", "Walnut", "Oiled"] },
      ],
    };
    const ld = productJsonLd(chair, "https://shop.example");
    expect(ld).toMatchObject({
      "@type": "ProductGroup",
      productGroupID: "CHAIR",
      variesBy: ["https://schema.org/size", "https://schema.org/material", "Finish"],
    });
    expect(ld).not.toHaveProperty("offers");
    expect("hasVariant" in ld && ld.hasVariant).toEqual([
      {
        "@type": "Product",
        name: "Chair (Size: S / Wood: Oak / Finish: Oiled)",
        sku: "CHAIR-S-OAK",
        size: "S",
        material: "Oak",
        additionalProperty: [{ "@type": "PropertyValue", name: "Finish", value: "Oiled" }],
        offers: {
          "@type": "Offer",
          url: "https://shop.example/products/oak-chair?size=S&wood=Oak&finish=Oiled",
          price: "99.00",
          priceCurrency: "USD",
          availability: "https://schema.org/OutOfStock",
          itemCondition: "https://schema.org/NewCondition",
        },
      },
      {
        "@type": "Product",
        name: "Chair (Size: M / Wood: Walnut / Finish: Oiled)",
        sku: "CHAIR-M-WAL",
        size: "M",
        material: "Walnut",
        additionalProperty: [{ "@type": "PropertyValue", name: "Finish", value: "Oiled" }],
        offers: {
          "@type": "Offer",
          url: "https://shop.example/products/oak-chair?size=M&wood=Walnut&finish=Oiled",
          price: "129.00",
          priceCurrency: "USD",
          availability: "https://schema.org/InStock",
          itemCondition: "https://schema.org/NewCondition",
        },
      },
    ]);
  });

  it("leaves out the image and category when there are none", () => {
    const ld = productJsonLd({ ...product, imageUrl: null, categories: [] }, "https://shop.example");
    expect(ld).not.toHaveProperty("image");
    expect(ld).not.toHaveProperty("category");
  });

  it("cannot be broken out of its script element by product text", () => {
    const script = jsonLdScript(productJsonLd({ ...product, name: "</script><script>alert(1)</script>" }, "https://shop.example"));
    expect(script).not.toContain("<");
    expect(JSON.parse(script).name).toBe("</script><script>alert(1)</script>");
  });
});
