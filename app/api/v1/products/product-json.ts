import type { Product, ProductDetails } from "@/lib/domain/catalog";
import { withRequestPaths } from "../_lib/field-paths";

/**
 * The public JSON shape of a product: money as integer minor units with a
 * currency; the image as an absolute URL (API clients do not know our origin).
 */
export function productJson(p: Product, appUrl: string) {
  return {
    id: p.id,
    sku: p.sku,
    slug: p.slug,
    name: p.name,
    description: p.description,
    price: { amountMinor: p.price.amountMinor, currency: p.price.currency },
    fromPrice: p.fromPrice ? { amountMinor: p.fromPrice.amountMinor, currency: p.fromPrice.currency } : null,
    stock: p.stock,
    imageUrl: p.imageUrl ? new URL(p.imageUrl, appUrl).href : null,
  };
}

export function productDetailsJson(p: ProductDetails, appUrl: string) {
  return {
    ...productJson(p, appUrl),
    categories: p.categories.map((c) => ({ id: c.id, slug: c.slug, name: c.name })),
    options: p.options.map((o) => ({ name: o.name, values: [...o.values] })),
    variants: p.variants.map((v) => ({
      id: v.id,
      sku: v.sku,
      price: { amountMinor: v.price.amountMinor, currency: v.price.currency },
      stock: v.stock,
      values: [...v.values],
    })),
  };
}

/** Runs a use case and puts its field errors under the request part they came from ("category" → "query.category"). */
export function withFieldPrefix<T>(prefix: string, work: () => Promise<T>): Promise<T> {
  return withRequestPaths({}, (field) => `${prefix}.${field}`, work);
}
