import { z } from "zod";
import { majorUnitsInput, wholeNumberText } from "@/app/_lib/form-numbers";
import { DEFAULT_LOW_STOCK_THRESHOLD, productFieldRules as rules } from "@/lib/application/admin/products/fields";
import { CATALOG_CURRENCY } from "@/lib/domain/catalog";

/**
 * The product form's fields as it posts them (all text), read into the typed
 * input of the create and update use cases. The rules and their messages are
 * the products' own (fields.ts), the ones the API applies too; this schema
 * only turns text into numbers and collects the category checkboxes.
 */

const price = majorUnitsInput(CATALOG_CURRENCY, { missing: "Enter a price", malformed: (example) => `Enter a price like ${example}` }).pipe(rules.priceMinor);

/** One checkbox per category, named "category:<id>" (FormData keeps one value per name): gathered into categoryIds. */
function gatherCategories(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null) return raw;
  const out: Record<string, unknown> = { categoryIds: [] as string[] };
  for (const [key, value] of Object.entries(raw)) {
    if (key.startsWith("category:")) (out.categoryIds as string[]).push(key.slice("category:".length));
    else out[key] = value;
  }
  return out;
}

const fields = {
  name: rules.name,
  sku: rules.sku,
  slug: rules.slug.optional(),
  description: rules.description.default(""),
  price,
  lowStockThreshold: wholeNumberText({ empty: DEFAULT_LOW_STOCK_THRESHOLD }).pipe(rules.lowStockThreshold).default(DEFAULT_LOW_STOCK_THRESHOLD),
  categoryIds: rules.categoryIds,
};

export const newProductForm = z.preprocess(
  gatherCategories,
  z.object({ ...fields, initialStock: wholeNumberText({ empty: 0 }).pipe(rules.initialStock).default(0) }).strict(),
);

export const productEditForm = z.preprocess(
  gatherCategories,
  z
    .object({
      ...fields,
      id: z.string().max(100),
      version: z.string({ message: "Enter the version" }).trim().min(1, "Enter the version").pipe(wholeNumberText())
        .pipe(rules.version),
    })
    .strict(),
);

/** The use cases' typed fields from the parsed form. */
export function toProductFields(input: z.output<typeof newProductForm> | z.output<typeof productEditForm>) {
  const { name, sku, slug, description, price: priceMinor, lowStockThreshold, categoryIds } = input;
  return { name, sku, ...(slug ? { slug } : {}), description, priceMinor, lowStockThreshold, categoryIds };
}
