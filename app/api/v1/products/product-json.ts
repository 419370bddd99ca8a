import type { Product } from "@/lib/domain/catalog";

/** The public JSON shape of a product: money as integer minor units with a currency. */
export function productJson(p: Product) {
  return {
    id: p.id,
    sku: p.sku,
    slug: p.slug,
    name: p.name,
    description: p.description,
    price: { amountMinor: p.price.amountMinor, currency: p.price.currency },
    stock: p.stock,
  };
}
