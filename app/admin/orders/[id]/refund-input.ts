import { z } from "zod";
import { currencyDecimals } from "@/lib/domain/money";

/** 1250 USD → "12.50", 1250 JPY → "1250": an amount as the refund form shows and reads it. */
export function majorUnitsText(amountMinor: number, currency: string): string {
  const digits = currencyDecimals(currency);
  if (digits === 0) return String(amountMinor);
  const scale = 10 ** digits;
  return `${Math.trunc(amountMinor / scale)}.${String(amountMinor % scale).padStart(digits, "0")}`;
}

/**
 * The refund form's amount: text in the currency's major units ("12.50"),
 * turned into integer minor units by string rules, never through a float.
 * Only the shape and "more than zero" are checked here; what is left to refund
 * is checked by the use case, under the order's lock.
 */
export function refundAmountMinor(currency: string) {
  const digits = currencyDecimals(currency);
  const shape = digits === 0 ? /^(\d{1,10})$/ : new RegExp(`^(\\d{1,10})(?:\\.(\\d{1,${digits}}))?$`);
  const example = digits === 0 ? "1250" : `12.${"50".padEnd(digits, "0").slice(0, digits)}`;
  return z
    .string()
    .trim()
    .transform((text, ctx) => {
      const issue = (message: string) => {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      };
      if (text === "") return issue("Enter the amount to refund");
      if (/^-\s*[\d.]/.test(text)) return issue("Enter an amount above zero");
      const m = shape.exec(text);
      if (!m) return issue(`Enter an amount like ${example}`);
      return Number(m[1]) * 10 ** digits + Number((m[2] ?? "").padEnd(digits, "0") || "0");
    })
    .pipe(z.number().int().min(1, "Enter an amount above zero").max(Number.MAX_SAFE_INTEGER));
}
