import { availability, minorToDecimal, variantTitle, type ProductDetails } from "@/lib/domain/catalog";
import type { Money } from "@/lib/domain/money";
import { optionParam } from "@/lib/domain/variants";

const SCHEMA_AVAILABILITY = {
  in_stock: "https://schema.org/InStock",
  low: "https://schema.org/LimitedAvailability",
  sold_out: "https://schema.org/OutOfStock",
} as const;

/** The schema.org property an option maps to, when there is one; others become additionalProperty. */
const VARIES_BY: Record<string, "size" | "color" | "material" | "pattern"> = {
  size: "size",
  colour: "color",
  color: "color",
  material: "material",
  wood: "material",
  pattern: "pattern",
};

function offer(url: string, price: Money, stock: number) {
  return {
    "@type": "Offer",
    url,
    // A decimal string from integer minor units: "19.99", never a float.
    price: minorToDecimal(price),
    priceCurrency: price.currency,
    availability: SCHEMA_AVAILABILITY[availability(stock).kind],
    itemCondition: "https://schema.org/NewCondition",
  };
}

/**
 * schema.org for search engines' rich results; URLs are absolute, as the
 * vocabulary expects. A product sold in one variant is a Product with one
 * Offer; a product with options is a ProductGroup whose hasVariant lists each
 * live variant as a Product with its own SKU, option values and Offer, at the
 * page's URL with that choice (ADR 016).
 */
export function productJsonLd(product: ProductDetails, appUrl: string) {
  const url = new URL(`/products/${product.slug}`, appUrl).href;
  const common = {
    "@context": "https://schema.org",
    name: product.name,
    description: product.description,
    url,
    ...(product.imageUrl ? { image: new URL(product.imageUrl, appUrl).href } : {}),
    ...(product.categories[0] ? { category: product.categories[0].name } : {}),
  };
  if (product.options.length === 0) {
    return { ...common, "@type": "Product", sku: product.sku, offers: offer(url, product.price, product.stock) };
  }
  const property = (name: string) => VARIES_BY[optionParam(name)];
  return {
    ...common,
    "@type": "ProductGroup",
    productGroupID: product.sku,
    variesBy: product.options.map((o) => {
      const known = property(o.name);
      return known ? `https://schema.org/${known}` : o.name;
    }),
    hasVariant: product.variants.map((v) => {
      const variantUrl = new URL(url);
      product.options.forEach((o, i) => variantUrl.searchParams.set(optionParam(o.name), v.values[i]!));
      const known = Object.fromEntries(product.options.flatMap((o, i) => (property(o.name) ? [[property(o.name)!, v.values[i]!]] : [])));
      const others = product.options.flatMap((o, i) => (property(o.name) ? [] : [{ "@type": "PropertyValue", name: o.name, value: v.values[i]! }]));
      return {
        "@type": "Product",
        name: `${product.name} (${variantTitle(product.options.map((o, i) => ({ option: o.name, value: v.values[i]! })))})`,
        sku: v.sku,
        ...known,
        ...(others.length > 0 ? { additionalProperty: others } : {}),
        offers: offer(variantUrl.href, v.price, v.stock),
      };
    }),
  };
}

/**
 * JSON for a <script type="application/ld+json"> body. "<" is escaped so a
 * product text containing "</script>" cannot end the script element early.
 */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
