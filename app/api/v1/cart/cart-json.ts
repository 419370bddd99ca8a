import type { CartView } from "@/lib/application/cart/cart";
import { quoteCart } from "@/lib/application/orders/checkout-quote";
import { DEFAULT_CURRENCY } from "@/lib/domain/cart";
import { withRequestPaths } from "../_lib/field-paths";
import { money, multiply } from "@/lib/domain/money";

/** The cart as the API shows it: every amount integer minor units with its currency, totals as checkout would charge them. */
export function cartJson({ cart, summary }: CartView) {
  const archived = new Set(cart.archivedVariantIds ?? []);
  const lines = cart.lines.map((l) => ({
    itemId: l.itemId,
    productId: l.product.id,
    variantId: l.product.variantId,
    sku: l.product.sku,
    slug: l.product.slug,
    name: l.product.name,
    variantTitle: l.product.variantTitle,
    unitPrice: { amountMinor: l.product.price.amountMinor, currency: l.product.price.currency },
    quantity: l.quantity,
    lineTotal: multiply(l.product.price, l.quantity),
    stock: l.product.stock,
    available: !archived.has(l.product.variantId),
  }));
  // The quote the review page shows and placing the order charges; an empty cart has none.
  const zero = money(0, DEFAULT_CURRENCY);
  const totals = quoteCart(cart) ?? { subtotal: zero, shipping: zero, total: zero };
  const plain = (m: { amountMinor: number; currency: string }) => ({ amountMinor: m.amountMinor, currency: m.currency });
  return {
    lines: lines.map((l) => ({ ...l, lineTotal: plain(l.lineTotal) })),
    itemCount: summary.itemCount,
    subtotal: plain(totals.subtotal),
    shipping: plain(totals.shipping),
    total: plain(totals.total),
  };
}

/**
 * Runs a cart use case and names its field errors as the request does: the
 * use case says "productId" / "quantity"; a field the request does not have
 * (a PATCH names no product) is put on `fallback`.
 */
export function withCartPaths<T>(paths: Record<string, string>, fallback: string, work: () => Promise<T>): Promise<T> {
  return withRequestPaths(paths, () => fallback, work);
}
