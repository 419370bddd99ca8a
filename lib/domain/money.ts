import { AppError } from "./errors";

/** ISO 4217 code. The shop sells in one currency per product; orders keep theirs. */
export type Currency = string;

/** Money is an integer amount of minor units (cents) plus a currency. Never a float. */
export interface Money {
  readonly amountMinor: number;
  readonly currency: Currency;
}

/** Upper bound that keeps every sum far from Number.MAX_SAFE_INTEGER and inside PostgreSQL int4. */
export const MAX_AMOUNT_MINOR = 2_000_000_000;

export function money(amountMinor: number, currency: Currency): Money {
  if (!Number.isSafeInteger(amountMinor)) {
    throw new AppError("validation", `amount must be an integer number of minor units, got ${amountMinor}`);
  }
  if (Math.abs(amountMinor) > MAX_AMOUNT_MINOR) {
    throw new AppError("validation", `amount ${amountMinor} is out of range`);
  }
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new AppError("validation", `currency must be a 3-letter ISO code, got ${currency}`);
  }
  return { amountMinor, currency };
}

export function multiply(unit: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity) || quantity < 0) {
    throw new AppError("validation", `quantity must be a non-negative integer, got ${quantity}`);
  }
  return money(unit.amountMinor * quantity, unit.currency);
}

export function sum(amounts: readonly Money[], currency: Currency): Money {
  let total = 0;
  for (const m of amounts) {
    if (m.currency !== currency) {
      throw new AppError("validation", `cannot add ${m.currency} to ${currency}`);
    }
    total += m.amountMinor;
  }
  return money(total, currency);
}

/**
 * One formatter per locale and currency: building an Intl.NumberFormat costs
 * far more than formatting with it (it was 5 % of the worker's CPU while it
 * drained a backlog of order emails). Bounded: a locale or currency that does
 * not exist throws before it is kept.
 */
const formatters = new Map<string, { format: Intl.NumberFormat; digits: number }>();
const MAX_FORMATTERS = 256;

function currencyFormat(locale: string, currency: string) {
  const key = `${locale}\u0000${currency}`;
  let entry = formatters.get(key);
  if (!entry) {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency });
    entry = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, entry);
  }
  return entry;
}

/** Number of decimals of a currency's minor unit (USD 2, JPY 0), from Intl. */
export function currencyDecimals(currency: string): number {
  return currencyFormat("en-US", currency).digits;
}

/** Formats for display, e.g. 1999 USD → "$19.99". Exponent comes from Intl, not a guess. */
export function formatMoney(m: Money, locale = "en-US"): string {
  const { format, digits } = currencyFormat(locale, m.currency);
  return format.format(m.amountMinor / 10 ** digits);
}

/** 1250 USD → "12.50", 1250 JPY → "1250": an amount as a form shows and reads it (the currency's own decimals). */
export function majorUnitsText(amountMinor: number, currency: string): string {
  const digits = currencyDecimals(currency);
  if (digits === 0) return String(amountMinor);
  const scale = 10 ** digits;
  const sign = amountMinor < 0 ? "-" : "";
  const abs = Math.abs(amountMinor);
  return `${sign}${Math.trunc(abs / scale)}.${String(abs % scale).padStart(digits, "0")}`;
}

/**
 * "12.50" USD → 1250, "12.5" → 1250, "1250" JPY → 1250: text in major units
 * turned into integer minor units by string rules, never through a float.
 * Null when the text is not a plain non-negative amount in that currency (no
 * sign, exponent, grouping or more decimals than the currency has).
 */
export function parseMajorUnits(text: string, currency: string): number | null {
  const digits = currencyDecimals(currency);
  const shape = digits === 0 ? /^(\d{1,10})$/ : new RegExp(`^(\\d{1,10})(?:\\.(\\d{1,${digits}}))?$`);
  const m = shape.exec(text.trim());
  if (!m) return null;
  const minor = Number(m[1]) * 10 ** digits + Number((m[2] ?? "").padEnd(digits, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : null;
}

