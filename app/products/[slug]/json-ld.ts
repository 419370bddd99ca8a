import { availability, minorToDecimal, type ProductDetails } from "@/lib/domain/catalog";

const SCHEMA_AVAILABILITY = {
  in_stock: "https://schema.org/InStock",
  low: "https://schema.org/LimitedAvailability",
  sold_out: "https://schema.org/OutOfStock",
} as const;

/** schema.org Product with one Offer, for search engines' rich results. URLs are absolute, as the vocabulary expects. */
export function productJsonLd(product: ProductDetails, appUrl: string) {
  const url = new URL(`/products/${product.slug}`, appUrl).href;
  return {
    "@context": "https://schema.org",
    "@type": "Product",
    name: product.name,
    description: product.description,
    sku: product.sku,
    url,
    ...(product.imageUrl ? { image: new URL(product.imageUrl, appUrl).href } : {}),
    ...(product.categories[0] ? { category: product.categories[0].name } : {}),
    offers: {
      "@type": "Offer",
      url,
      // A decimal string from integer minor units: "19.99", never a float.
      price: minorToDecimal(product.price),
      priceCurrency: product.price.currency,
      availability: SCHEMA_AVAILABILITY[availability(product.stock).kind],
      itemCondition: "https://schema.org/NewCondition",
    },
  };
}

/**
 * JSON for a <script type="application/ld+json"> body. "<" is escaped so a
 * product text containing "</script>" cannot end the script element early.
 */
export function jsonLdScript(data: unknown): string {
  return JSON.stringify(data).replace(/</g, "\\u003c");
}
