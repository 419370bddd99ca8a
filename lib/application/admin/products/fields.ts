/**
 * A product's fields as the back office writes them: the rules and their
 * messages, in one place. The edges compose them into their own schemas (the
 * product form in app/admin/products, the API body in app/api/v1/_contract),
 * so the same bad value gets the same message by the same field from a form
 * and from the API; the use cases then take the typed result.
 */
import { z } from "zod";
import { CATALOG_CURRENCY, SLUG } from "../../../domain/catalog";
import { MAX_AMOUNT_MINOR, majorUnitsText } from "../../../domain/money";
import { MAX_THRESHOLD } from "../stock";

export const MAX_INITIAL_STOCK = 1_000_000;
export const MAX_PRODUCT_VERSION = 2_000_000_000;
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

/** What create and update write; already checked by the edge's schema. */
export interface ProductFields {
  name: string;
  sku: string;
  /** Made from the name when absent. */
  slug?: string;
  description: string;
  priceMinor: number;
  lowStockThreshold: number;
  categoryIds: readonly string[];
}

export interface NewProduct extends ProductFields {
  /** Enters the ledger as the 'opening' row when more than 0. */
  initialStock: number;
}

/** "Crème Brûlée Mug" → "creme-brulee-mug": accents folded, lowercase ASCII, dashes. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/æ/gi, "ae")
    .replace(/ø/gi, "o")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 160)
    .replace(/-+$/, "");
}

const wholeNumber = (min: number, max: number) => {
  const message = `Enter a whole number from ${min} to ${max}`;
  return z.number({ message }).int(message).min(min, message).max(max, message);
};

const uuid = z.uuid();

/** Each field's rule. Strings are normalised (trimmed; the SKU upper-cased) before they are checked. */
export const productFieldRules = {
  name: z
    .string({ message: "Enter a name" })
    .transform((s) => s.normalize("NFC").replace(/\s+/g, " ").trim())
    .pipe(z.string().min(1, "Enter a name").max(200, "At most 200 characters")),
  sku: z
    .string({ message: "Enter a SKU" })
    .transform((s) => s.trim().toUpperCase())
    .pipe(z.string().min(1, "Enter a SKU").regex(/^[A-Z0-9][A-Z0-9._-]{0,63}$/, "Use at most 64 letters, digits, dots, dashes or underscores")),
  /** Empty means "make it from the name". */
  slug: z
    .string()
    .trim()
    .refine((s) => s === "" || (s.length <= 160 && SLUG.test(s)), "Use lowercase letters, digits and single dashes (e.g. oak-mug)")
    .transform((s) => (s === "" ? undefined : s)),
  description: z.string().trim().max(5000, "At most 5000 characters"),
  priceMinor: z
    .number({ message: "Enter a price" })
    .int("Enter a whole number of minor units (cents)")
    .min(1, "The price must be more than 0")
    .max(MAX_AMOUNT_MINOR, `At most ${majorUnitsText(MAX_AMOUNT_MINOR, CATALOG_CURRENCY)}`),
  lowStockThreshold: wholeNumber(0, MAX_THRESHOLD),
  initialStock: wholeNumber(0, MAX_INITIAL_STOCK),
  version: wholeNumber(0, MAX_PRODUCT_VERSION),
  /** Duplicates dropped; each must name a category (the use case checks they exist). */
  categoryIds: z
    .array(z.string(), { message: "Choose at least one category" })
    .max(50, "Choose at most 50 categories")
    .transform((ids) => [...new Set(ids)])
    .superRefine((ids, ctx) => {
      if (ids.length === 0) ctx.addIssue({ code: "custom", message: "Choose at least one category" });
      else if (ids.some((id) => !uuid.safeParse(id).success)) ctx.addIssue({ code: "custom", message: "Choose categories from the list" });
    }),
};

/** The message when the name leaves nothing to make a slug from. */
export const SLUG_FROM_NAME_MESSAGE = "Enter a slug (the name has no letters or digits to make one from)";
