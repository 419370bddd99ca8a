import { z } from "zod";
import { PRODUCT_SORTS, SEARCH_TEXT_MAX_LENGTH } from "@/lib/domain/catalog";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";
import { CURSOR_MAX_LENGTH, decodeCursor } from "../products/cursor";
import { SLUG } from "@/lib/domain/catalog";
import { cursorQuery, defineEndpoint, MoneySchema, pageOf, ProblemSchema, type Endpoint } from "../_lib/endpoint";


/** Integer minor units (cents), as every amount in this API; "12.50" is refused, not rounded. */
const minorUnits = z
  .string()
  .regex(/^\d{1,10}$/, "must be a whole number of minor units (cents)")
  .transform(Number)
  .pipe(z.number().max(MAX_AMOUNT_MINOR, `must be at most ${MAX_AMOUNT_MINOR}`));

export const ProductSchema = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    price: MoneySchema.describe("The product's price; a variant may override it (see fromPrice and the variants)"),
    fromPrice: MoneySchema.nullable().describe("The lowest price of its variants when they are priced differently; null when all cost `price`"),
    stock: z.number().int().min(0).describe("Units in stock now, over all its live variants"),
    imageUrl: z.url().nullable().describe("Absolute URL of the main image; null when the product has none"),
  })
  .meta({ id: "Product" });

export const ProductDetailsSchema = ProductSchema.extend({
  categories: z.array(z.object({ id: z.uuid(), slug: z.string(), name: z.string() })).describe("In display order"),
  options: z
    .array(z.object({ name: z.string(), values: z.array(z.string()).describe("In display order") }))
    .describe('Its options in order, e.g. Size: S, M, L; empty for a product sold in one variant'),
  variants: z
    .array(
      z.object({
        id: z.uuid().describe("Send it as variantId with POST /cart/items"),
        sku: z.string(),
        price: MoneySchema,
        stock: z.number().int().min(0),
        values: z.array(z.string()).describe("One value per option, in the options' order"),
      }),
    )
    .describe("Its live variants, the units of stock: one per combination sold"),
}).meta({ id: "ProductDetails" });

export const CategorySchema = z
  .object({ id: z.uuid(), slug: z.string(), name: z.string(), description: z.string(), productCount: z.number().int().min(0).describe("Products on sale in it") })
  .meta({ id: "Category" });

const ProductPage = pageOf(ProductSchema, "ProductPage").extend({
  sort: z.enum(PRODUCT_SORTS).describe("The order applied (relevance without q falls back to name)"),
  matchedBy: z
    .enum(["words", "similar"])
    .nullable()
    .describe("words: every word found; similar: nothing contained the words, these look alike (typos); null without q"),
  didYouMean: z
    .string()
    .nullable()
    .describe(
      "q with misspelled words corrected (\"walnot tray\" → \"walnut tray\") when some words are in no product on sale and products " +
        "were found through a correction (matchedBy is then words); null otherwise. Search for it to see only exact matches.",
    ),
});

const notFound = (description: string) => ({ description, schema: ProblemSchema });

export const listProducts = defineEndpoint({
  method: "GET",
  path: "/products",
  operationId: "listProducts",
  summary: "Search and browse the catalog, a page at a time.",
  description:
    "Products on sale (never archived ones), filtered and sorted as in the shop. Pages are keyset-paginated: pass `next` as `cursor`, " +
    "with the same q, filters and sort, for the following page. Pages never repeat or skip a product, also while products are added " +
    "(a product added before the cursor's position is not shown; after it, it is). With q, words are matched first; when no product " +
    "contains them, similar-looking words are (matchedBy), and the cursor keeps that choice. A word of five letters or more that no product " +
    "contains also matches the catalog's words one typo away (a letter wrong, missing, extra or two swapped): products with the words as " +
    "typed come first, and didYouMean gives the corrected q.",
  tag: "catalog",
  access: "none",
  query: z
    .object({
      q: z.string().max(SEARCH_TEXT_MAX_LENGTH).optional().describe("Words to search for in names and descriptions"),
      category: z.string().max(80).regex(SLUG, "must be a lowercase slug").optional().describe("A category slug"),
      minPrice: minorUnits.optional().describe("Lowest price, integer minor units"),
      maxPrice: minorUnits.optional().describe("Highest price, integer minor units"),
      inStock: z
        .enum(["true", "false", "1", "0"])
        .optional()
        .transform((v) => v === "true" || v === "1")
        .describe("Only products in stock"),
      sort: z.enum(PRODUCT_SORTS).optional().describe("Default: relevance with q, else name"),
      limit: cursorQuery.limit,
      cursor: z
        .string()
        .max(CURSOR_MAX_LENGTH)
        .optional()
        .transform((text, ctx) => {
          if (text === undefined) return undefined;
          const cursor = decodeCursor(text);
          if (!cursor) {
            ctx.addIssue({ code: "custom", message: "Not a cursor from this API: pass the `next` value of the previous page" });
            return z.NEVER;
          }
          return cursor;
        })
        .describe("The `next` value of the previous page"),
    })
    .strict()
    .refine((v) => v.minPrice === undefined || v.maxPrice === undefined || v.minPrice <= v.maxPrice, {
      path: ["maxPrice"],
      message: "must not be below minPrice",
    }),
  responses: {
    200: { description: "A page of products", schema: ProductPage },
    404: notFound("No category with that slug (errors name query.category)"),
  },
});

export const getProduct = defineEndpoint({
  method: "GET",
  path: "/products/{idOrSlug}",
  operationId: "getProduct",
  summary: "One product on sale, by id or slug, with its categories.",
  tag: "catalog",
  access: "none",
  params: z.object({
    idOrSlug: z
      .string()
      .max(160)
      .refine((v) => SLUG.test(v) || z.uuid().safeParse(v).success, "must be a product id (UUID) or a lowercase slug")
      .describe("The product's id (UUID) or slug"),
  }),
  responses: {
    200: { description: "The product", schema: ProductDetailsSchema },
    404: notFound("No product with that id or slug is on sale (unknown or archived)"),
  },
});

export const listCategories = defineEndpoint({
  method: "GET",
  path: "/categories",
  operationId: "listCategories",
  summary: "Every category in display order, with its number of products on sale.",
  tag: "catalog",
  access: "none",
  // No parameters; strict, so a client sending one learns it is ignored rather than assuming it works.
  query: z.object({}).strict(),
  responses: {
    200: { description: "The categories", schema: z.object({ items: z.array(CategorySchema) }).meta({ id: "CategoryList" }) },
  },
});

/** The catalog endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const CATALOG_ENDPOINTS: readonly Endpoint[] = [listProducts, getProduct, listCategories];
