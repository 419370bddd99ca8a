import { z } from "zod";
import { majorUnitsInput } from "@/app/_lib/form-numbers";

/**
 * The refund form's amount: text in the currency's major units ("12.50"),
 * turned into integer minor units. Only the shape and "more than zero" are
 * checked here; what is left to refund is checked by the use case, under the
 * order's lock.
 */
export function refundAmountMinor(currency: string) {
  return majorUnitsInput(currency, {
    missing: "Enter the amount to refund",
    malformed: (example) => `Enter an amount like ${example}`,
    negative: "Enter an amount above zero",
  }).pipe(z.number().int().min(1, "Enter an amount above zero").max(Number.MAX_SAFE_INTEGER));
}
