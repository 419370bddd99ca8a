import { AppError } from "./errors";
import { money, multiply, sum, type Money } from "./money";

/**
 * The shipping rule, per currency: free from a subtotal on, a flat charge
 * below it. A currency without a rule cannot be shipped rather than shipped
 * for a guessed price.
 */
export const SHIPPING_RATES: Readonly<Record<string, { freeFromMinor: number; flatMinor: number }>> = {
  USD: { freeFromMinor: 50_00, flatMinor: 4_95 },
};

export function shippingFor(subtotal: Money): Money {
  const rate = SHIPPING_RATES[subtotal.currency];
  if (!rate) throw new AppError("validation", `We cannot ship orders priced in ${subtotal.currency} yet`);
  return money(subtotal.amountMinor >= rate.freeFromMinor ? 0 : rate.flatMinor, subtotal.currency);
}

/** How far a subtotal is from free shipping; null when it ships free already (or the currency has no rule). */
export function amountToFreeShipping(subtotal: Money): Money | null {
  const rate = SHIPPING_RATES[subtotal.currency];
  if (!rate || subtotal.amountMinor >= rate.freeFromMinor) return null;
  return money(rate.freeFromMinor - subtotal.amountMinor, subtotal.currency);
}

export interface PricedLine {
  readonly unitPrice: Money;
  readonly quantity: number;
}

export interface OrderTotals {
  readonly subtotal: Money;
  readonly shipping: Money;
  /** Always subtotal + shipping (the orders table checks it too). */
  readonly total: Money;
}

/** The one price computation: the review page shows it and placing the order charges it. */
export function orderTotals(lines: readonly PricedLine[]): OrderTotals {
  const first = lines[0];
  if (!first) throw new AppError("validation", "An order needs at least one line");
  const currency = first.unitPrice.currency;
  const subtotal = sum(
    lines.map((l) => multiply(l.unitPrice, l.quantity)),
    currency,
  );
  const shipping = shippingFor(subtotal);
  return { subtotal, shipping, total: sum([subtotal, shipping], currency) };
}
