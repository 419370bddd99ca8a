import { userCartOwner, type Cart, type CartOwner } from "../../domain/cart";
import { money } from "../../domain/money";
import type { OrderLine } from "../../domain/order";
import { orderTotals, type OrderTotals } from "../../domain/shipping";

/** What the shopper reviews before placing an order, and what placing it charges. */
export interface CheckoutQuote extends OrderTotals {
  readonly lines: readonly OrderLine[];
}

/** Prices a cart at today's catalog prices; null when there is nothing to order. */
export function quoteCart(cart: Cart): CheckoutQuote | null {
  if (cart.lines.length === 0) return null;
  const lines: OrderLine[] = cart.lines.map((l) => ({
    productId: l.product.id,
    variantId: l.product.variantId,
    sku: l.product.sku,
    name: l.product.name,
    variantTitle: l.product.variantTitle,
    unitPrice: money(l.product.price.amountMinor, l.product.price.currency),
    quantity: l.quantity,
  }));
  return { lines, ...orderTotals(lines) };
}

export interface CheckoutCartReader {
  loadFor(owner: CartOwner, signal?: AbortSignal): Promise<Cart>;
}

/** The review step's numbers, computed on the server from the cart as it is now (never from the page). */
export function makeQuoteCheckout(deps: { carts: CheckoutCartReader }) {
  return async function quoteCheckout(userId: string, signal?: AbortSignal): Promise<CheckoutQuote | null> {
    // Only a signed-in shopper checks out: a guest's cart is merged into theirs at sign-in.
    return quoteCart(await deps.carts.loadFor(userCartOwner(userId), signal));
  };
}
