import { money, multiply, sum, type Money } from "./money";
import type { Product } from "./catalog";

/** Most of one product a single cart line may hold. */
export const MAX_LINE_QUANTITY = 99;

export interface CartLine {
  readonly itemId: string;
  readonly product: Product;
  readonly quantity: number;
}

export interface Cart {
  readonly id: string | null;
  readonly lines: readonly CartLine[];
}

export interface CartSummary {
  readonly itemCount: number;
  readonly subtotal: Money;
}

export const DEFAULT_CURRENCY = "USD";

export function summarize(cart: Cart): CartSummary {
  const currency = cart.lines[0]?.product.price.currency ?? DEFAULT_CURRENCY;
  if (cart.lines.length === 0) return { itemCount: 0, subtotal: money(0, currency) };
  return {
    itemCount: cart.lines.reduce((n, l) => n + l.quantity, 0),
    subtotal: sum(cart.lines.map((l) => multiply(l.product.price, l.quantity)), currency),
  };
}
