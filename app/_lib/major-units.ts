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
