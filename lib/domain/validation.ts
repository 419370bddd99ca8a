/**
 * The one way a zod failure becomes field errors, for every edge (server
 * actions, /api/v1, use cases, configuration): the same bad input gets the
 * same message by the same field wherever it is sent.
 */
import type { z } from "zod";
import { AppError, type FieldIssue } from "./errors";

/** The message of a validation error that has field errors: the fields say what is wrong. */
export const CORRECT_FIELDS = "Please correct the highlighted fields.";

/**
 * One issue per field, the first zod found (the one the user fixes first),
 * its path joined with dots under `at` ("body" → "body.price.amountMinor").
 * An issue about the whole input is named `whole` ("form" for a form, else `at`).
 * `every`: each problem of a field, not only the first (for an operator
 * reading a configuration error, who fixes them all at once).
 */
export function fieldIssues(error: z.ZodError, options: { at?: string; whole?: string; every?: boolean } = {}): FieldIssue[] {
  const out: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const own = issue.path.map(String).join(".");
    const path = own === "" ? (options.whole ?? options.at ?? "form") : options.at ? `${options.at}.${own}` : own;
    if (seen.has(path) && !options.every) continue;
    seen.add(path);
    out.push({ path, message: issue.message });
  }
  return out;
}

/** The input as the schema makes it, else AppError("validation") carrying fieldIssues. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, options: { at?: string; whole?: string; message?: string } = {}): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new AppError("validation", options.message ?? CORRECT_FIELDS, { fields: fieldIssues(parsed.error, options) });
}
