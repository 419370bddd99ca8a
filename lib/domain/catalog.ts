import { AppError } from "./errors";
import { currencyDecimals, MAX_AMOUNT_MINOR, type Money } from "./money";
import type { ProductOption, VariantView } from "./variants";

/** A product's or category's slug: lowercase words joined by single hyphens (as URLs show them). */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly price: Money;
  /** Its live variants' stock, summed. */
  readonly stock: number;
  /** A path under public/ or an absolute URL; null when the product has no image yet. */
  readonly imageUrl: string | null;
  /** Present when its live variants are priced differently: the lowest ("from $X"). */
  readonly fromPrice?: Money;
}

export interface Category {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
}

export interface CategorySummary extends Category {
  readonly productCount: number;
}

/**
 * One variant as the cart and checkout see it: its product's name, slug and
 * image, with the variant's own SKU, price (its override or the product's)
 * and stock. A product without options has one variant, titled "".
 */
export interface VariantOffer extends Product {
  readonly variantId: string;
  /** The variant's option values, "Size: M / Wood: Oak"; "" without options. */
  readonly variantTitle: string;
}

/** How a variant's option values read on a line: "Size: M / Wood: Oak". */
export function variantTitle(values: readonly { option: string; value: string }[]): string {
  return values.map((v) => `${v.option}: ${v.value}`).join(" / ");
}

/** A variant's full name on a line or in a message: "Oak chair (Size: M / Wood: Oak)". */
export function offerName(offer: Pick<VariantOffer, "name" | "variantTitle">): string {
  return offer.variantTitle ? `${offer.name} (${offer.variantTitle})` : offer.name;
}

/** A product with what its own page shows beyond a listing card. */
export interface ProductDetails extends Product {
  /** Its options in order (none for a product sold in one variant). */
  readonly options: readonly ProductOption[];
  /** Its live variants in order, each with one value per option. */
  readonly variants: readonly VariantView[];
  readonly categories: readonly Category[];
  readonly updatedAt: Date;
}

export type Availability = { kind: "in_stock" } | { kind: "low"; left: number } | { kind: "sold_out" };

export const LOW_STOCK_THRESHOLD = 5;

export function availability(stock: number): Availability {
  if (stock <= 0) return { kind: "sold_out" };
  if (stock <= LOW_STOCK_THRESHOLD) return { kind: "low", left: stock };
  return { kind: "in_stock" };
}

// ---------------------------------------------------------------------------
// Searching and browsing
// ---------------------------------------------------------------------------

/** "relevance" only means something when there are words to be relevant to. */
export const PRODUCT_SORTS = ["relevance", "name", "price_asc", "price_desc", "newest"] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/**
 * Price filters compare integer minor units, which only makes sense within one
 * currency. The catalog is priced in USD (products.currency defaults to it);
 * a second currency would need per-currency filters.
 */
export const CATALOG_CURRENCY = "USD";

/** Long enough for any real query; short enough that trigram matching stays cheap. */
export const SEARCH_TEXT_MAX_LENGTH = 100;

/**
 * The shopper's words as the search compares them: Unicode-normalised (a
 * decomposed "é" typed on some keyboards equals the precomposed one), trimmed,
 * inner whitespace collapsed. Null when nothing is left: no words, no search.
 */
export function normalizeSearchText(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null) return null;
  const text = raw.normalize("NFC").replace(/\s+/g, " ").trim();
  if (text === "") return null;
  if (text.length > SEARCH_TEXT_MAX_LENGTH) {
    throw new AppError("validation", `Search at most ${SEARCH_TEXT_MAX_LENGTH} characters`, {
      fields: [{ path: "q", message: `At most ${SEARCH_TEXT_MAX_LENGTH} characters` }],
    });
  }
  return text;
}

/** Without words, "relevance" falls back to the default order instead of being an error: links stay valid when q is cleared. */
export function effectiveSort(sort: ProductSort | undefined, hasText: boolean): ProductSort {
  if (!hasText) return sort === undefined || sort === "relevance" ? "name" : sort;
  return sort ?? "relevance";
}

// ---------------------------------------------------------------------------
// Prices as decimal text (price filters typed in dollars, schema.org offers).
// Pure string and integer arithmetic: a float never holds an amount.
// ---------------------------------------------------------------------------

const DECIMAL = /^(\d+)(?:\.(\d*))?$/;

/**
 * "12" → 1200, "12.5" → 1250, "0.99" → 99 for USD. Null for anything that is
 * not a plain non-negative amount with at most the currency's decimals, or is
 * above MAX_AMOUNT_MINOR (so it always fits the database's int4).
 */
export function decimalToMinor(text: string, currency: string): number | null {
  const match = DECIMAL.exec(text.trim());
  if (!match) return null;
  const [, whole = "", fraction = ""] = match;
  const decimals = currencyDecimals(currency);
  if (fraction.length > decimals) return null;
  // Leading zeros are stripped so a long "000…1" cannot overflow the check below.
  const digits = (whole.replace(/^0+(?=\d)/, "") + fraction.padEnd(decimals, "0")).replace(/^0+(?=\d)/, "");
  if (digits.length > String(MAX_AMOUNT_MINOR).length) return null;
  const amount = Number(digits);
  return amount <= MAX_AMOUNT_MINOR ? amount : null;
}

/** 1999 USD → "19.99", 500 JPY → "500": the decimal string schema.org's Offer.price expects. */
export function minorToDecimal(amount: Money): string {
  if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor < 0) {
    throw new AppError("validation", `expected a non-negative integer amount, got ${amount.amountMinor}`);
  }
  const decimals = currencyDecimals(amount.currency);
  if (decimals === 0) return String(amount.amountMinor);
  const digits = String(amount.amountMinor).padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
