import { AppError } from "../../domain/errors";
import {
  effectiveSort,
  normalizeSearchText,
  type Category,
  type CategorySummary,
  type Product,
  type ProductDetails,
  type ProductSort,
} from "../../domain/catalog";
import { MAX_AMOUNT_MINOR } from "../../domain/money";
import { throwIfAborted } from "../shared";
import { noCatalogCache, type CatalogCache } from "./catalog-cache";
import { PRODUCT_PAGE_SIZE, pageCount, pageWindow } from "./paging";

export { PRODUCT_PAGE_SIZE };

/**
 * How the shopper's words are matched:
 * - "words": full-text search; every word (stemmed, accents and case ignored)
 *   occurs in the name or description.
 * - "similar": trigram similarity; some word in the name or description looks
 *   like the query (typos, partial words). Used only when "words" finds nothing,
 *   so a correctly spelled "wool" never also lists "wood".
 */
export type MatchMode = "words" | "similar";

export interface ProductCriteria {
  /** Normalised, non-empty; absent lists everything that passes the filters. */
  text?: string;
  match: MatchMode;
  categoryId?: string;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  inStockOnly: boolean;
  /** Never "relevance" without text. */
  sort: ProductSort;
}

/** Port: product queries the catalog needs. */
export interface ProductCatalog {
  search(criteria: ProductCriteria, window: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: Product[]; total: number }>;
  findDetailsBySlug(slug: string, signal?: AbortSignal): Promise<ProductDetails | null>;
  /** Slugs and modification times, for the sitemap, at most `limit` of them. */
  listSlugs(limit: number, signal?: AbortSignal): Promise<{ slug: string; updatedAt: Date }[]>;
}

/** Port: the category list. */
export interface CategoryDirectory {
  /** In display order, each with the number of products in it. */
  listWithCounts(signal?: AbortSignal): Promise<CategorySummary[]>;
  findBySlug(slug: string, signal?: AbortSignal): Promise<Category | null>;
}

export interface ProductSearchInput {
  q?: string;
  /** Category slug. */
  category?: string;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  inStockOnly?: boolean;
  sort?: ProductSort;
  page: number;
  pageSize?: number;
}

export interface ProductSearchResult {
  items: Product[];
  page: number;
  pageSize: number;
  total: number;
  pageCount: number;
  /** What was searched, as applied (normalised text, resolved category, effective sort). */
  applied: {
    text: string | null;
    category: Category | null;
    minPriceMinor: number | null;
    maxPriceMinor: number | null;
    inStockOnly: boolean;
    sort: ProductSort;
  };
  /** How the text matched; null without text. "similar" lets the page say "no exact matches, showing similar". */
  matchedBy: MatchMode | null;
}

/** The sitemap protocol's limit per file; past it the sitemap would need splitting (generateSitemaps). */
export const SITEMAP_MAX_PRODUCTS = 50_000 - 1_000;

function checkPrice(value: number | undefined, path: string): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_AMOUNT_MINOR) {
    throw new AppError("validation", `${path} must be a whole number of minor units from 0 to ${MAX_AMOUNT_MINOR}`, {
      fields: [{ path, message: "Invalid price" }],
    });
  }
}

/**
 * The shop's catalog reads, cache-aside: each read is keyed by its whole input
 * and served from the cache until a catalog write (any process) invalidates it.
 */
export function makeCatalog(deps: { products: ProductCatalog; categories: CategoryDirectory; cache?: CatalogCache }) {
  const cache = deps.cache ?? noCatalogCache;

  async function resolveCategory(slug: string | undefined, signal?: AbortSignal): Promise<Category | null> {
    if (slug === undefined) return null;
    const category = await cache.getOrLoad(`category:${slug}`, () => deps.categories.findBySlug(slug, signal));
    if (!category) throw new AppError("not_found", "No such category", { fields: [{ path: "category", message: "No such category" }] });
    return category;
  }

  return {
    searchProducts(input: ProductSearchInput, signal?: AbortSignal): Promise<ProductSearchResult> {
      return cache.getOrLoad(`search:${JSON.stringify(searchKey(input))}`, () => searchUncached(input, signal));
    },

    async getProduct(slug: string, signal?: AbortSignal): Promise<ProductDetails> {
      const product = await cache.getOrLoad(`product:${slug}`, () => deps.products.findDetailsBySlug(slug, signal));
      if (!product) throw new AppError("not_found", "No such product");
      return product;
    },

    listCategories(signal?: AbortSignal): Promise<CategorySummary[]> {
      return cache.getOrLoad("categories", () => deps.categories.listWithCounts(signal));
    },

    async getCategory(slug: string, signal?: AbortSignal): Promise<Category> {
      return (await resolveCategory(slug, signal))!;
    },

    /** Everything a sitemap lists: categories and products. */
    sitemap(signal?: AbortSignal): Promise<{ categories: CategorySummary[]; products: { slug: string; updatedAt: Date }[] }> {
      return cache.getOrLoad("sitemap", async () => {
        const [categories, products] = await Promise.all([
          deps.categories.listWithCounts(signal),
          deps.products.listSlugs(SITEMAP_MAX_PRODUCTS, signal),
        ]);
        return { categories, products };
      });
    },
  };

  async function searchUncached(input: ProductSearchInput, signal?: AbortSignal): Promise<ProductSearchResult> {
    const pageSize = input.pageSize ?? PRODUCT_PAGE_SIZE;
    const window = pageWindow(input.page, pageSize);
    const text = normalizeSearchText(input.q);
    checkPrice(input.minPriceMinor, "minPrice");
    checkPrice(input.maxPriceMinor, "maxPrice");
    if (input.minPriceMinor !== undefined && input.maxPriceMinor !== undefined && input.minPriceMinor > input.maxPriceMinor) {
      throw new AppError("validation", "The minimum price is above the maximum price", {
        fields: [{ path: "maxPrice", message: "Must not be below the minimum price" }],
      });
    }
    const category = await resolveCategory(input.category, signal);
    const sort = effectiveSort(input.sort, text !== null);
    const base = {
      ...(text === null ? {} : { text }),
      ...(category ? { categoryId: category.id } : {}),
      ...(input.minPriceMinor === undefined ? {} : { minPriceMinor: input.minPriceMinor }),
      ...(input.maxPriceMinor === undefined ? {} : { maxPriceMinor: input.maxPriceMinor }),
      inStockOnly: input.inStockOnly ?? false,
      sort,
    };

    let matchedBy: MatchMode = "words";
    let found = await deps.products.search({ ...base, match: "words" }, window, signal);
    if (text !== null && found.total === 0) {
      // Nothing contains these words: the shopper probably mistyped one. Only
      // now fall back to similar-looking words, so exact matches stay precise.
      throwIfAborted(signal);
      matchedBy = "similar";
      found = await deps.products.search({ ...base, match: "similar" }, window, signal);
    }

    return {
      items: found.items,
      page: input.page,
      pageSize,
      total: found.total,
      pageCount: pageCount(found.total, pageSize),
      applied: {
        text,
        category,
        minPriceMinor: input.minPriceMinor ?? null,
        maxPriceMinor: input.maxPriceMinor ?? null,
        inStockOnly: base.inStockOnly,
        sort,
      },
      matchedBy: text === null ? null : matchedBy,
    };
  }
}

/** The cache key of a search: its input with defaults applied, in a fixed field order. */
function searchKey(input: ProductSearchInput) {
  return [input.q ?? null, input.category ?? null, input.minPriceMinor ?? null, input.maxPriceMinor ?? null, input.inStockOnly ?? false, input.sort ?? null, input.page, input.pageSize ?? PRODUCT_PAGE_SIZE];
}

export type Catalog = ReturnType<typeof makeCatalog>;
