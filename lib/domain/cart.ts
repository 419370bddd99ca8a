import { money, multiply, sum, type Money } from "./money";
import { offerName, type VariantOffer } from "./catalog";

/** Most of one variant a single cart line may hold. */
export const MAX_LINE_QUANTITY = 99;

export interface CartLine {
  readonly itemId: string;
  /** The line's variant: its sku, price and stock, with its product's name and image. */
  readonly product: VariantOffer;
  readonly quantity: number;
}

export interface Cart {
  readonly id: string | null;
  readonly lines: readonly CartLine[];
}

/**
 * Whose cart: a signed-in user's, or a guest browser's. A guest is known only by
 * the SHA-256 of the random token in its cookie, so the stored value cannot be
 * replayed as a cookie.
 */
export type CartOwner = { readonly kind: "user"; readonly userId: string } | { readonly kind: "guest"; readonly tokenHash: string };

export const userCartOwner = (userId: string): CartOwner => ({ kind: "user", userId });

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

/** The most a line of this variant may hold right now. */
export function lineCap(product: Pick<VariantOffer, "stock">): number {
  return Math.max(0, Math.min(product.stock, MAX_LINE_QUANTITY));
}

/** A line of the guest cart that could not be merged in full. */
export interface MergeAdjustment {
  readonly productName: string;
  /** What the account's line and the guest's line add up to. */
  readonly requested: number;
  /** What the account's line holds after the merge (0: no line). */
  readonly quantity: number;
  readonly reason: "sold_out" | "stock" | "line_limit";
}

export interface MergeResult {
  /** Units the account's cart gained. */
  readonly itemsAdded: number;
  readonly adjustments: readonly MergeAdjustment[];
}

export const NOTHING_MERGED: MergeResult = { itemsAdded: 0, adjustments: [] };

/**
 * Adds a guest line's quantity to the account's line, capped at the stock and
 * the line limit: the same rule adding to the cart enforces, so a merged line
 * can always be checked out as it stands.
 */
export function mergeLine(product: VariantOffer, accountQuantity: number, guestQuantity: number): { quantity: number; adjustment: MergeAdjustment | null } {
  const requested = accountQuantity + guestQuantity;
  const quantity = Math.min(requested, lineCap(product));
  if (quantity === requested) return { quantity, adjustment: null };
  const reason = quantity === 0 ? "sold_out" : product.stock <= MAX_LINE_QUANTITY ? "stock" : "line_limit";
  return { quantity, adjustment: { productName: offerName(product), requested, quantity, reason } };
}

/** What to tell the shopper after a merge, or null when there is nothing to say. */
export function describeMerge(result: MergeResult): string | null {
  const notes = result.adjustments.map((a) =>
    a.reason === "sold_out"
      ? `${a.productName} is sold out`
      : a.reason === "stock"
        ? `${a.productName} was reduced to ${a.quantity}, the stock left`
        : `${a.productName} was reduced to ${a.quantity}, the most one line can hold`,
  );
  if (result.itemsAdded === 0 && notes.length === 0) return null;
  const added =
    result.itemsAdded === 0
      ? "Nothing from your guest cart could be added"
      : result.itemsAdded === 1
        ? "1 item from your guest cart was added"
        : `${result.itemsAdded} items from your guest cart were added`;
  return notes.length === 0 ? `${added} to your cart.` : `${added}; ${notes.join("; ")}.`;
}
