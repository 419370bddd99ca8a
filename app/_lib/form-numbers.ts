import { z } from "zod";
import { majorUnitsText, parseMajorUnits } from "@/lib/domain/money";

/**
 * A form's amount field: text in the currency's major units ("12.50") read as
 * integer minor units by the domain's string rules, never through a float.
 * Only the shape is checked here; pipe the result into the rule for the amount
 * (the same rule the API applies to its amountMinor), so both say the same.
 */
export function majorUnitsInput(currency: string, messages: { missing: string; malformed: (example: string) => string; negative?: string }) {
  const example = majorUnitsText(1250, currency);
  return z
    .string()
    .trim()
    .transform((text, ctx) => {
      const issue = (message: string) => {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      };
      if (text === "") return issue(messages.missing);
      if (messages.negative && /^-\s*[\d.]/.test(text)) return issue(messages.negative);
      return parseMajorUnits(text, currency) ?? issue(messages.malformed(example));
    });
}

/**
 * A form's whole-number field ("12"; "-3" and "+4" when signed) as a number.
 * Text that is not one becomes NaN, so the rule it is piped into (the use
 * case's own) refuses it with its own message. `empty`: what an empty field
 * means (NaN, so refused, unless given).
 */
export function wholeNumberText(options: { signed?: boolean; empty?: number } = {}) {
  const shape = options.signed ? /^[+-]?\d{1,10}$/ : /^\d{1,10}$/;
  return z
    .string()
    .trim()
    .transform((text) => (text === "" ? (options.empty ?? Number.NaN) : shape.test(text) ? Number(text) : Number.NaN));
}
