import { z } from "zod";
import { wholeNumberText } from "@/app/_lib/form-numbers";
import { adjustmentRules as rules, deltaFitsReason, thresholdSchema } from "@/lib/application/admin/stock";

/**
 * The stock forms' fields as posted (text), read by the stock use case's own
 * rules (the ones the API's adjustments endpoint is answered by), so a typo is
 * answered by its field before any database work.
 */
export const adjustForm = z
  .object({
    variantId: z.string().max(100).pipe(rules.variantId),
    delta: wholeNumberText({ signed: true }).pipe(rules.delta),
    reason: rules.reason,
    note: rules.note.optional(),
  })
  .strict()
  .superRefine(deltaFitsReason);

export const thresholdForm = z.object({ variantId: z.string().max(100), threshold: wholeNumberText({ signed: true }).pipe(thresholdSchema) }).strict();
