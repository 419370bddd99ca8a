import { z } from "zod";
import { MAX_PAGE, MAX_PAGE_SIZE, PRODUCT_PAGE_SIZE } from "@/lib/application/catalog/paging";
import { PRODUCT_SORTS, SEARCH_TEXT_MAX_LENGTH } from "@/lib/domain/catalog";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";
import { getServices } from "@/lib/composition/root";
import { route } from "@/app/_lib/http";
import { productJson } from "./product-json";

export const dynamic = "force-dynamic";

/** Integer minor units (cents), as every amount in this API; "12.50" is refused, not rounded. */
const minorUnits = z
  .string()
  .regex(/^\d{1,10}$/, "must be a whole number of minor units (cents)")
  .transform(Number)
  .pipe(z.number().max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`));

const productsQuerySchema = z
  .object({
    q: z.string().max(SEARCH_TEXT_MAX_LENGTH).optional(),
    category: z.string().max(80).regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug").optional(),
    minPrice: minorUnits.optional(),
    maxPrice: minorUnits.optional(),
    inStock: z.enum(["true", "false", "1", "0"]).optional().transform((v) => v === "true" || v === "1"),
    sort: z.enum(PRODUCT_SORTS).optional(),
    page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(PRODUCT_PAGE_SIZE),
  })
  .strict()
  .refine((v) => v.minPrice === undefined || v.maxPrice === undefined || v.minPrice <= v.maxPrice, {
    path: ["maxPrice"],
    message: "must not be below minPrice",
  });


/**
 * GET /api/v1/products?q=&category=&minPrice=&maxPrice=&inStock=&sort=&page=&pageSize=
 * Prices in minor units. An unknown category is a 404; a page past the end is
 * an empty page with the real total and pageCount.
 */
export const GET = route({ query: productsQuerySchema }, async ({ query }) => {
  const services = getServices();
  const result = await services.catalog.searchProducts({
    q: query.q,
    category: query.category,
    minPriceMinor: query.minPrice,
    maxPriceMinor: query.maxPrice,
    inStockOnly: query.inStock,
    sort: query.sort,
    page: query.page,
    pageSize: query.pageSize,
  });
  return Response.json({
    items: result.items.map((p) => productJson(p, services.env.APP_URL)),
    page: result.page,
    pageSize: result.pageSize,
    total: result.total,
    pageCount: result.pageCount,
    sort: result.applied.sort,
    // "words": every word found; "similar": nothing contained the words, these look alike (typos); null: no q.
    matchedBy: result.matchedBy,
  });
});
