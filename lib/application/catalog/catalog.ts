import { AppError, isAppError } from "../../domain/errors";
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
import { applyCorrections, correctableWords, editsOne } from "../../domain/spelling";
import { throwIfAborted } from "../shared";
import { noCatalogCache, type CatalogCache } from "./catalog-cache";
import { MAX_PAGE_SIZE, PRODUCT_PAGE_SIZE, pageCount, pageWindow } from "./paging";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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

/**
 * A misspelled word's stand-ins: with match "words", the query's lexeme
 * `lexeme` matches any of `alternatives` too. Lexemes are plain a–z (stems of
 * a–z words); the repository refuses anything else.
 */
export interface LexemeCorrection {
  readonly lexeme: string;
  readonly alternatives: readonly string[];
}

export interface ProductCriteria {
  /** Normalised, non-empty; absent lists everything that passes the filters. */
  text?: string;
  match: MatchMode;
  /**
   * Only with text and match "words": misspelled words' corrections. Products
   * that match the words as typed rank first (relevance sort), then those that
   * match only through a correction.
   */
  corrections?: readonly LexemeCorrection[];
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

/**
 * Where a product stands in a sort order: its sort key and id, exactly as the
 * order compares them (the id breaks ties). A keyset page starts strictly
 * after one of these, so rows inserted or removed elsewhere never shift it.
 */
export type ProductPosition =
  | { readonly sort: "name"; readonly id: string; readonly name: string }
  | { readonly sort: "price_asc" | "price_desc"; readonly id: string; readonly priceMinor: number }
  /** createdAt: ISO 8601, millisecond precision (the column's). */
  | { readonly sort: "newest"; readonly id: string; readonly createdAt: string }
  /** relevance: the rank as a double, compared exactly; ties by name, then id. */
  | { readonly sort: "relevance"; readonly id: string; readonly relevance: number; readonly name: string };

/** A word of the query that no product on sale contains, and the catalog's words one typo away from it. */
export interface WordCorrection extends LexemeCorrection {
  /** The word as looked up (folded: lower case, no accents). */
  readonly word: string;
  /** How the best alternative (in most products) is spelled, for "did you mean". */
  readonly suggestion: string;
}

/** At most this many alternatives per misspelled word, those in most products: bounds the query (and the API's cursor). */
export const MAX_ALTERNATIVES = 4;

/** Port: the catalog's words (the lexicon of products on sale), for typo corrections. */
export interface CatalogLexicon {
  /**
   * For each word whose lexeme no product on sale contains, those of its
   * candidates whose lexemes some do (at most MAX_ALTERNATIVES, in most
   * products first). Words that are fine, or have no such candidate, are left
   * out. Candidates are asked for (and sent) only for the words that are not
   * fine, so a query without typos costs one small lookup.
   */
  findCorrections(words: readonly string[], candidates: (word: string) => readonly string[], signal?: AbortSignal): Promise<WordCorrection[]>;
}

/** Port: keyset (cursor) pages and lookups by id, for API clients. Separate so the shop's fakes need not implement it. */
export interface ProductBrowser {
  /** Up to `limit` products strictly after `after` in `criteria.sort` order (from the start when null), each with its position. */
  searchAfter(
    criteria: ProductCriteria,
    after: ProductPosition | null,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ product: Product; position: ProductPosition }[]>;
  findDetailsById(id: string, signal?: AbortSignal): Promise<ProductDetails | null>;
}

/** Where the next page starts: the last position seen and how the text matched on the first page. */
export interface ProductCursor {
  readonly match: MatchMode;
  readonly after: ProductPosition;
  /** The first page's corrections, kept so later pages match and rank exactly as it did. */
  readonly corrections?: readonly LexemeCorrection[];
  readonly didYouMean?: string;
}

export interface ProductBrowseInput {
  q?: string;
  /** Category slug. */
  category?: string;
  minPriceMinor?: number;
  maxPriceMinor?: number;
  inStockOnly?: boolean;
  sort?: ProductSort;
  limit: number;
  cursor?: ProductCursor;
}

export interface ProductBrowseResult {
  items: Product[];
  /** Null on the last page. */
  next: ProductCursor | null;
  sort: ProductSort;
  matchedBy: MatchMode | null;
  /** The query with misspelled words corrected, when corrections found these products; else null. */
  didYouMean: string | null;
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
  /**
   * The query with misspelled words corrected ("walnot tray" → "walnut tray")
   * when the results include products found through corrections; else null.
   * matchedBy is "words" then.
   */
  didYouMean: string | null;
}

/** What a search and a browse share: the words, category, price range, stock filter and sort. */
type CatalogFilters = Pick<ProductSearchInput, "q" | "category" | "minPriceMinor" | "maxPriceMinor" | "inStockOnly" | "sort">;

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
export function makeCatalog(deps: {
  products: ProductCatalog & ProductBrowser;
  categories: CategoryDirectory;
  cache?: CatalogCache;
  /** Without one, misspelled words are only matched by the trigram fallback. */
  lexicon?: CatalogLexicon;
}) {
  const cache = deps.cache ?? noCatalogCache;
  const browser = () => deps.products;

  /**
   * Corrections for the text's misspelled words (none when every word of five
   * letters or more is in the catalog). Runs beside the search as typed, so a
   * search without typos waits for nothing more.
   */
  async function findCorrections(text: string | null, signal?: AbortSignal): Promise<WordCorrection[]> {
    if (text === null || !deps.lexicon) return [];
    const words = correctableWords(text);
    if (words.length === 0) return [];
    return deps.lexicon.findCorrections(words, editsOne, signal);
  }

  function didYouMeanOf(text: string, corrections: readonly WordCorrection[]): string {
    return applyCorrections(text, new Map(corrections.map((c) => [c.word, c.suggestion])));
  }

  async function resolveCategory(slug: string | undefined, signal?: AbortSignal): Promise<Category | null> {
    if (slug === undefined) return null;
    const category = await cache.getOrLoad(`category:${slug}`, () => deps.categories.findBySlug(slug, signal));
    if (!category) throw new AppError("not_found", "No such category", { fields: [{ path: "category", message: "No such category" }] });
    return category;
  }

  async function getProduct(slug: string, signal?: AbortSignal): Promise<ProductDetails> {
    const product = await cache.getOrLoad(`product:${slug}`, () => deps.products.findDetailsBySlug(slug, signal));
    if (!product) throw new AppError("not_found", "No such product");
    return product;
  }

  /** An active product by id; archived or unknown is not found. */
  async function getProductById(id: string, signal?: AbortSignal): Promise<ProductDetails> {
    const product = await cache.getOrLoad(`product-id:${id}`, () => browser().findDetailsById(id, signal));
    if (!product) throw new AppError("not_found", "No such product");
    return product;
  }

  return {
    searchProducts(input: ProductSearchInput, signal?: AbortSignal): Promise<ProductSearchResult> {
      return cache.getOrLoad(`search:${JSON.stringify(searchKey(input))}`, () => searchUncached(input, signal));
    },

    getProduct,
    getProductById,

    /**
     * An active product by id or by slug (the API's one path for both). A slug
     * may look like a UUID (nothing forbids it): the id is tried first, then the slug.
     */
    async getProductByIdOrSlug(key: string, signal?: AbortSignal): Promise<ProductDetails> {
      if (!UUID.test(key)) return getProduct(key, signal);
      try {
        return await getProductById(key.toLowerCase(), signal);
      } catch (error) {
        if (!isAppError(error, "not_found")) throw error;
        if (key !== key.toLowerCase()) throw new AppError("not_found", "No such product");
        return getProduct(key, signal);
      }
    },

    /**
     * Keyset pages for API clients: the same filters, sorts and words-then-similar
     * matching as searchProducts, but each page starts after the cursor's
     * position, so pages never overlap or skip while products are added. The
     * match mode is decided on the first page and kept by the cursor.
     */
    browseProducts(input: ProductBrowseInput, signal?: AbortSignal): Promise<ProductBrowseResult> {
      return cache.getOrLoad(`browse:${JSON.stringify(browseKey(input))}`, () => browseUncached(input, signal));
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

  function checkFilters(input: { minPriceMinor?: number; maxPriceMinor?: number }) {
    checkPrice(input.minPriceMinor, "minPrice");
    checkPrice(input.maxPriceMinor, "maxPrice");
    if (input.minPriceMinor !== undefined && input.maxPriceMinor !== undefined && input.minPriceMinor > input.maxPriceMinor) {
      throw new AppError("validation", "The minimum price is above the maximum price", {
        fields: [{ path: "maxPrice", message: "Must not be below the minimum price" }],
      });
    }
  }

  async function browseUncached(input: ProductBrowseInput, signal?: AbortSignal): Promise<ProductBrowseResult> {
    if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > MAX_PAGE_SIZE) {
      throw new AppError("validation", `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`, { fields: [{ path: "limit", message: "Invalid limit" }] });
    }
    const text = normalizeSearchText(input.q);
    checkFilters(input);
    const sort = effectiveSort(input.sort, text !== null);
    const cursor = input.cursor;
    if (cursor && cursor.after.sort !== sort) {
      throw new AppError("validation", "The cursor belongs to another sort order: repeat the first page's q and sort with it", {
        fields: [{ path: "cursor", message: "Belongs to another sort order" }],
      });
    }
    if (cursor && cursor.match === "similar" && text === null) {
      throw new AppError("validation", "The cursor belongs to a search: repeat the first page's q with it", {
        fields: [{ path: "cursor", message: "Belongs to a search with words" }],
      });
    }
    const category = await resolveCategory(input.category, signal);
    const base = baseCriteria(input, text, category, sort);
    const products = browser();
    // One row more than asked tells whether there is a next page without counting.
    const limit = input.limit + 1;
    let match: MatchMode = cursor?.match ?? "words";
    // Later pages repeat the first page's choice: its match mode and corrections.
    let corrections: readonly LexemeCorrection[] = (text !== null && match === "words" && cursor?.corrections) || [];
    let didYouMean = corrections.length > 0 ? (cursor?.didYouMean ?? null) : null;
    let rows: Awaited<ReturnType<ProductBrowser["searchAfter"]>>;
    if (cursor) {
      rows = await products.searchAfter({ ...base, match, ...(corrections.length ? { corrections } : {}) }, cursor.after, limit, signal);
    } else {
      // As searchProducts: the words as typed, with corrections of misspelled
      // words when there are any, similar words only when neither finds anything.
      const [typed, found] = await Promise.all([products.searchAfter({ ...base, match }, null, limit, signal), findCorrections(text, signal)]);
      rows = typed;
      if (found.length > 0) {
        throwIfAborted(signal);
        const corrected = await products.searchAfter({ ...base, match, corrections: found }, null, limit, signal);
        if (corrected.length > 0) {
          rows = corrected;
          corrections = found.map(({ lexeme, alternatives }) => ({ lexeme, alternatives }));
          didYouMean = didYouMeanOf(text!, found);
        }
      }
      if (text !== null && rows.length === 0) {
        throwIfAborted(signal);
        match = "similar";
        rows = await products.searchAfter({ ...base, match }, null, limit, signal);
      }
    }
    const page = rows.slice(0, input.limit);
    const last = page.at(-1);
    const next: ProductCursor | null =
      rows.length > input.limit && last
        ? { match, after: last.position, ...(corrections.length > 0 ? { corrections, ...(didYouMean ? { didYouMean } : {}) } : {}) }
        : null;
    return {
      items: page.map((r) => r.product),
      next,
      sort,
      matchedBy: text === null ? null : match,
      didYouMean,
    };
  }

  async function searchUncached(input: ProductSearchInput, signal?: AbortSignal): Promise<ProductSearchResult> {
    const pageSize = input.pageSize ?? PRODUCT_PAGE_SIZE;
    const window = pageWindow(input.page, pageSize);
    const text = normalizeSearchText(input.q);
    checkFilters(input);
    const category = await resolveCategory(input.category, signal);
    const sort = effectiveSort(input.sort, text !== null);
    const base = baseCriteria(input, text, category, sort);

    let matchedBy: MatchMode = "words";
    let didYouMean: string | null = null;
    const [typed, corrections] = await Promise.all([deps.products.search({ ...base, match: "words" }, window, signal), findCorrections(text, signal)]);
    let found = typed;
    if (corrections.length > 0) {
      // Some word is in no product on sale: match it or its corrections, the
      // products with the words as typed first (an "or" query can have some).
      throwIfAborted(signal);
      const corrected = await deps.products.search({ ...base, match: "words", corrections }, window, signal);
      if (corrected.total > 0) {
        found = corrected;
        didYouMean = didYouMeanOf(text!, corrections);
      }
    }
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
      didYouMean,
    };
  }
}

/** Every criterion but the match mode: offset pages and keyset pages filter and sort alike. */
function baseCriteria(input: CatalogFilters, text: string | null, category: Category | null, sort: ProductSort): Omit<ProductCriteria, "match"> {
  return {
    ...(text === null ? {} : { text }),
    ...(category ? { categoryId: category.id } : {}),
    ...(input.minPriceMinor === undefined ? {} : { minPriceMinor: input.minPriceMinor }),
    ...(input.maxPriceMinor === undefined ? {} : { maxPriceMinor: input.maxPriceMinor }),
    inStockOnly: input.inStockOnly ?? false,
    sort,
  };
}

/** The filters' part of a cache key: the input with defaults applied, in a fixed field order. */
function filtersKey(input: CatalogFilters) {
  return [input.q ?? null, input.category ?? null, input.minPriceMinor ?? null, input.maxPriceMinor ?? null, input.inStockOnly ?? false, input.sort ?? null];
}

function searchKey(input: ProductSearchInput) {
  return [...filtersKey(input), input.page, input.pageSize ?? PRODUCT_PAGE_SIZE];
}

function browseKey(input: ProductBrowseInput) {
  return [...filtersKey(input), input.limit, input.cursor ?? null];
}

export type Catalog = ReturnType<typeof makeCatalog>;
