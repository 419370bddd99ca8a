import { z } from "zod";
import { fieldIssues } from "@/lib/domain/validation";
import { MAX_PAGE } from "@/lib/application/catalog/paging";
import {
  CATALOG_CURRENCY,
  decimalToMinor,
  effectiveSort,
  minorToDecimal,
  PRODUCT_SORTS,
  SEARCH_TEXT_MAX_LENGTH,
  SLUG,
  type ProductSort,
} from "@/lib/domain/catalog";


export type RawSearchParams = Record<string, string | string[] | undefined>;

/** Dollars as typed into the filter form ("12", "12.50") → integer cents; never a float. */
const dollars = z.string().transform((text, ctx) => {
  const cents = decimalToMinor(text, CATALOG_CURRENCY);
  if (cents === null) {
    ctx.addIssue({ code: "custom", message: "Enter an amount like 12 or 12.50" });
    return z.NEVER;
  }
  return cents;
});

/**
 * The query string of the catalog pages (/ and /categories/[slug]): what the
 * filter form submits (GET) and what their links carry. Prices are in dollars
 * here because people type them; the API (app/api/v1/products) takes cents.
 *
 * Not .strict(), unlike the API's schema: links shared with tracking parameters
 * (utm_source, fbclid, ...) must still open the page, so unknown keys are
 * dropped. Blank fields (an empty form input) count as absent.
 */
export const catalogQuerySchema = z
  .object({
    q: z.string().max(SEARCH_TEXT_MAX_LENGTH, `At most ${SEARCH_TEXT_MAX_LENGTH} characters`).optional(),
    category: z.string().max(80).regex(SLUG, "No such category").optional(),
    minPrice: dollars.optional(),
    maxPrice: dollars.optional(),
    inStock: z
      .enum(["1", "0", "true", "false", "on"], { message: "Use 1 or 0" })
      .optional()
      .transform((v) => v === "1" || v === "true" || v === "on"),
    sort: z.enum(PRODUCT_SORTS, { message: "Unknown sort order" }).optional(),
    page: z.coerce.number({ message: "Not a page number" }).int("Not a page number").min(1, "Not a page number").max(MAX_PAGE).default(1),
  })
  .refine((v) => v.minPrice === undefined || v.maxPrice === undefined || v.minPrice <= v.maxPrice, {
    path: ["maxPrice"],
    message: "Must not be below the minimum price",
  });

export type CatalogQuery = z.infer<typeof catalogQuerySchema>;

export interface FieldProblem {
  field: string;
  label: string;
  message: string;
}

const LABELS: Record<string, string> = {
  q: "Search",
  category: "Category",
  minPrice: "Min price",
  maxPrice: "Max price",
  inStock: "In stock only",
  sort: "Sort",
  page: "Page",
};

export function describeField(field: string, message: string): FieldProblem {
  return { field, label: LABELS[field] ?? field, message };
}

/** The first value of each parameter, as typed: what the filter form shows back. */
export function formValues(raw: RawSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === "string") out[key] = first;
  }
  return out;
}

export type ParsedCatalogQuery =
  | { ok: true; query: CatalogQuery }
  /** pageInvalid: the page number itself is bad, which the pages answer with a 404 (a page that cannot exist). */
  | { ok: false; pageInvalid: boolean; problems: FieldProblem[] };

export function parseCatalogQuery(raw: RawSearchParams): ParsedCatalogQuery {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && !(typeof v === "string" && v.trim() === "")));
  const parsed = catalogQuerySchema.safeParse(present);
  if (parsed.success) return { ok: true, query: parsed.data };
  const problems = fieldIssues(parsed.error).map((f) => describeField(f.path, f.message));
  return { ok: false, pageInvalid: problems.some((p) => p.field === "page"), problems };
}

/** The order a listing uses when none is asked for: best match for words, else by name. */
export function defaultSort(hasText: boolean): ProductSort {
  return effectiveSort(undefined, hasText);
}

export interface ListingState {
  q?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  inStock?: boolean;
  sort?: ProductSort;
  page?: number;
}

/**
 * A canonical link to a listing: only what differs from the defaults, prices
 * back in dollars, so equal listings have equal URLs (and back/forward and
 * shared links reproduce them).
 */
export function listingHref(basePath: string, state: ListingState): string {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.minPrice !== undefined && state.minPrice !== null) params.set("minPrice", minorToDecimal({ amountMinor: state.minPrice, currency: CATALOG_CURRENCY }));
  if (state.maxPrice !== undefined && state.maxPrice !== null) params.set("maxPrice", minorToDecimal({ amountMinor: state.maxPrice, currency: CATALOG_CURRENCY }));
  if (state.inStock) params.set("inStock", "1");
  if (state.sort && state.sort !== defaultSort(Boolean(state.q))) params.set("sort", state.sort);
  if (state.page && state.page > 1) params.set("page", String(state.page));
  const query = params.toString();
  return query ? `${basePath}?${query}` : basePath;
}

export function categoryPath(slug: string): string {
  return `/categories/${slug}`;
}

/** Whether a listing shows something other than the plain, unfiltered list (such views are not for search engines). */
export function isFiltered(state: ListingState): boolean {
  return Boolean(state.q) || state.minPrice != null || state.maxPrice != null || Boolean(state.inStock) || (state.sort !== undefined && state.sort !== defaultSort(Boolean(state.q)));
}
