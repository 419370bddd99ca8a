import {
  MAX_ALTERNATIVES,
  type CatalogLexicon,
  type ProductBrowser,
  type ProductCatalog,
  type ProductCriteria,
  type ProductPosition,
  type WordCorrection,
} from "../../application/catalog/catalog";
import type { Product, ProductDetails, ProductSort, VariantOffer } from "../../domain/catalog";
import { productSelect, toProduct, toSelectedProduct } from "./mappers";
import { Prisma, type Db } from "./prisma-client";
import { priceRange } from "../../domain/variants";

/**
 * Search SQL. Matching, ranking and the indexes behind them are defined once,
 * as SQL functions, in the add_catalog_search migration:
 * - product_search_document(name, description): weighted, unaccented English
 *   tsvector (GIN index products_search_document_idx);
 * - product_search_query(text): websearch_to_tsquery over the unaccented text;
 * - product_search_text(name, description): unaccented text for pg_trgm
 *   (GIN gin_trgm_ops index products_search_text_trgm_idx).
 * Queries here call the same functions so PostgreSQL can match the index
 * expressions. Every value is a bound parameter of a tagged template; only
 * fixed fragments chosen from the tables below are spliced in.
 */
const DOCUMENT = Prisma.sql`product_search_document(p.name, p.description)`;
const TRIGRAM_TEXT = Prisma.sql`product_search_text(p.name, p.description)`;

// Each order ends with the id so that pages are stable and never overlap.
// Descending sorts use id DESC too, so the (column, id) indexes serve them backwards.
const ORDER_BY: Record<ProductSort, Prisma.Sql> = {
  relevance: Prisma.sql`relevance DESC, p.name ASC, p.id ASC`,
  name: Prisma.sql`p.name ASC, p.id ASC`,
  price_asc: Prisma.sql`p.price_minor ASC, p.id ASC`,
  price_desc: Prisma.sql`p.price_minor DESC, p.id DESC`,
  newest: Prisma.sql`p.created_at DESC, p.id DESC`,
};

const LEXEME = /^[a-z]{1,64}$/;

/**
 * The shopper's words as a tsquery; with corrections, each misspelled lexeme
 * becomes "it or any of its alternatives" (ts_rewrite). Lexemes are bound as
 * parameters and cast to tsquery, so they are checked to be plain a–z words
 * first (a cursor could carry anything). ts_rewrite is immutable, so with
 * constant arguments the planner folds it and estimates the GIN scan as usual.
 */
function tsQuery(text: string, criteria: ProductCriteria): Prisma.Sql {
  let query = Prisma.sql`product_search_query(${text})`;
  for (const c of criteria.corrections ?? []) {
    const lexemes = [c.lexeme, ...c.alternatives];
    if (!lexemes.every((l) => LEXEME.test(l))) throw new Error("corrections must be plain a-z lexemes");
    query = Prisma.sql`ts_rewrite(${query}, ${c.lexeme}::tsquery, ${lexemes.join(" | ")}::tsquery)`;
  }
  return query;
}

const corrected = (criteria: ProductCriteria) => criteria.match === "words" && (criteria.corrections?.length ?? 0) > 0;

function matchCondition(criteria: ProductCriteria): Prisma.Sql {
  if (criteria.text === undefined) return Prisma.sql`TRUE`;
  if (criteria.match === "words") return Prisma.sql`${DOCUMENT} @@ ${tsQuery(criteria.text, criteria)}`;
  // `<%`: some word of the text is at least pg_trgm.word_similarity_threshold
  // (default 0.6) similar to the query; the operator form can use the GIN index,
  // a call to word_similarity() in WHERE could not.
  return Prisma.sql`immutable_unaccent(${criteria.text}) <% ${TRIGRAM_TEXT}`;
}

function relevance(criteria: ProductCriteria): Prisma.Sql {
  if (criteria.text === undefined) return Prisma.sql`0::real`;
  if (corrected(criteria)) {
    if (typedMayMatch(criteria.text)) return Prisma.sql`scored.relevance`;
    return Prisma.sql`ts_rank_cd(${DOCUMENT}, ${tsQuery(criteria.text, criteria)}, 32)`;
  }
  if (criteria.match === "words") return Prisma.sql`ts_rank_cd(${DOCUMENT}, product_search_query(${criteria.text}))`;
  return Prisma.sql`word_similarity(immutable_unaccent(${criteria.text}), ${TRIGRAM_TEXT})`;
}

/**
 * Whether any product can match the words as typed when some are misspelled.
 * A corrected word's lexeme is in no product on sale, so a plain query (every
 * word required, or a quoted phrase) cannot; only websearch's "or" and "-word"
 * can make it match without that word. Without them the typed-first part of
 * the relevance is always 0 and is left out: the rank alone, from one
 * document per row, planned like an exact search (parallel workers included).
 */
function typedMayMatch(text: string): boolean {
  return /(^|[\s"])or([\s"]|$)|(^|[\s"])-/i.test(text);
}

/**
 * With corrections, the relevance needs the document twice (typed match, and
 * rank): computed once per matching row in a LATERAL subquery (OFFSET 0 keeps
 * the planner from inlining it back into two computations). Products matching
 * the words as typed come first: 1 + their rank scaled into [0, 1)
 * (normalisation 32: rank / (rank + 1), same order); corrected-only ones stay
 * below 1. One number, so keyset positions keep their shape. Without
 * corrections the queries are as they were, with no join.
 */
function scoring(criteria: ProductCriteria): Prisma.Sql {
  if (criteria.text === undefined || !corrected(criteria) || !typedMayMatch(criteria.text)) return Prisma.empty;
  return Prisma.sql`
     CROSS JOIN LATERAL (
       SELECT CASE WHEN d.document @@ product_search_query(${criteria.text}) THEN 1::real ELSE 0::real END
              + ts_rank_cd(d.document, ${tsQuery(criteria.text, criteria)}, 32) AS relevance
         FROM (SELECT ${DOCUMENT} AS document OFFSET 0) d) scored`;
}

function whereClause(criteria: ProductCriteria): Prisma.Sql {
  // Archived products are gone from the shop (orders keep their snapshots).
  // No index on archived_at: almost every row is active, so it would never
  // narrow a shop search, and the search, category and sort indexes stay the
  // planner's choice.
  const conditions = [matchCondition(criteria), Prisma.sql`p.archived_at IS NULL`];
  if (criteria.categoryId !== undefined) {
    // Served by product_categories (category_id, product_id) alone.
    conditions.push(Prisma.sql`p.id IN (SELECT pc.product_id FROM product_categories pc WHERE pc.category_id = ${criteria.categoryId}::uuid)`);
  }
  if (criteria.minPriceMinor !== undefined) conditions.push(Prisma.sql`p.price_minor >= ${criteria.minPriceMinor}`);
  if (criteria.maxPriceMinor !== undefined) conditions.push(Prisma.sql`p.price_minor <= ${criteria.maxPriceMinor}`);
  if (criteria.inStockOnly) {
    conditions.push(Prisma.sql`EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = p.id AND v.archived_at IS NULL AND v.stock > 0)`);
  }
  return Prisma.join(conditions, " AND ");
}

/**
 * What a listing shows of a product's live variants, read in one pass over
 * product_variants (product_id, position): [stock summed, lowest price,
 * highest price], each price the variant's override or the product's (for
 * "from $X"); the prices are null when it has no live variant.
 */
const LIVE_VARIANTS = Prisma.sql`(SELECT ARRAY[coalesce(sum(v.stock), 0)::int, min(coalesce(v.price_override_minor, p.price_minor)), max(coalesce(v.price_override_minor, p.price_minor))]
   FROM product_variants v WHERE v.product_id = p.id AND v.archived_at IS NULL) AS live`;

/** The order a query really uses: without text there is no relevance, so by name. */
function sortOf(criteria: ProductCriteria): ProductSort {
  return criteria.text === undefined && criteria.sort === "relevance" ? "name" : criteria.sort;
}

/** The page query. Exported so integration tests can EXPLAIN exactly what runs. */
export function searchPageSql(criteria: ProductCriteria, window: { offset: number; limit: number }): Prisma.Sql {
  const sort = sortOf(criteria);
  return Prisma.sql`
    SELECT p.id, p.sku, p.slug, p.name, p.description, p.price_minor, p.currency, ${LIVE_VARIANTS}, p.image_url,
           ${relevance(criteria)} AS relevance
      FROM products p${scoring(criteria)}
     WHERE ${whereClause(criteria)}
     ORDER BY ${ORDER_BY[sort]}
     LIMIT ${window.limit} OFFSET ${window.offset}`;
}

export function searchCountSql(criteria: ProductCriteria): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS total FROM products p WHERE ${whereClause(criteria)}`;
}

/**
 * Keyset pages: the same filters and order as searchPageSql, starting strictly
 * after a position instead of at an OFFSET. Each condition compares the sort
 * key and id exactly as ORDER BY does, as a row comparison where the
 * directions agree, so the (name, id), (price_minor, id) and (created_at, id)
 * indexes serve it. The rank is compared as float8 in both places (the cast
 * from real is exact and keeps the order), so a rank read back from a cursor
 * compares equal to the row's own.
 */
const RANK = (criteria: ProductCriteria) => Prisma.sql`(${relevance(criteria)})::float8`;

const KEYSET_ORDER_BY: Record<ProductSort, Prisma.Sql> = { ...ORDER_BY, relevance: Prisma.sql`rank DESC, p.name ASC, p.id ASC` };

function afterCondition(criteria: ProductCriteria, after: ProductPosition): Prisma.Sql {
  switch (after.sort) {
    case "name":
      return Prisma.sql`(p.name, p.id) > (${after.name}, ${after.id}::uuid)`;
    case "price_asc":
      return Prisma.sql`(p.price_minor, p.id) > (${after.priceMinor}::int, ${after.id}::uuid)`;
    case "price_desc":
      return Prisma.sql`(p.price_minor, p.id) < (${after.priceMinor}::int, ${after.id}::uuid)`;
    case "newest":
      return Prisma.sql`(p.created_at, p.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`;
    case "relevance":
      return Prisma.sql`(${RANK(criteria)} < ${after.relevance}::float8
        OR (${RANK(criteria)} = ${after.relevance}::float8 AND (p.name, p.id) > (${after.name}, ${after.id}::uuid)))`;
  }
}

export function searchAfterSql(criteria: ProductCriteria, after: ProductPosition | null, limit: number): Prisma.Sql {
  const sort = sortOf(criteria);
  if (after && after.sort !== sort) throw new Error(`a ${after.sort} position cannot continue a ${sort} order`);
  const where = after ? Prisma.sql`${whereClause(criteria)} AND ${afterCondition(criteria, after)}` : whereClause(criteria);
  return Prisma.sql`
    SELECT p.id, p.sku, p.slug, p.name, p.description, p.price_minor, p.currency, ${LIVE_VARIANTS}, p.image_url,
           to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at,
           ${RANK(criteria)} AS rank
      FROM products p${scoring(criteria)}
     WHERE ${where}
     ORDER BY ${KEYSET_ORDER_BY[sort]}
     LIMIT ${limit}`;
}

function positionOf(sort: ProductSort, row: ProductRow & { created_at: string; rank: number }): ProductPosition {
  switch (sort) {
    case "name":
      return { sort, id: row.id, name: row.name };
    case "price_asc":
    case "price_desc":
      return { sort, id: row.id, priceMinor: row.price_minor };
    case "newest":
      return { sort, id: row.id, createdAt: row.created_at };
    case "relevance":
      return { sort, id: row.id, relevance: row.rank, name: row.name };
  }
}

interface OfferRow {
  id: string;
  variant_id: string;
  sku: string;
  slug: string;
  name: string;
  variant_title: string;
  description: string;
  price_minor: number;
  currency: string;
  stock: number;
  image_url: string | null;
  archived: boolean;
}

interface ProductRow {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  price_minor: number;
  currency: string;
  /** LIVE_VARIANTS: [stock, lowest price, highest price]. */
  live: [number, number | null, number | null];
  image_url: string | null;
}

function rowToProduct(r: ProductRow): Product {
  const [stock, minPrice, maxPrice] = r.live;
  const product = toProduct({
    id: r.id,
    sku: r.sku,
    slug: r.slug,
    name: r.name,
    description: r.description,
    priceMinor: r.price_minor,
    currency: r.currency,
    stock,
    imageUrl: r.image_url,
  });
  return minPrice !== null && maxPrice !== null && minPrice !== maxPrice ? { ...product, fromPrice: { amountMinor: minPrice, currency: r.currency } } : product;
}

const detailsSelect = {
  ...productSelect,
  updatedAt: true,
  categories: {
    select: { category: { select: { id: true, slug: true, name: true, description: true } } },
    orderBy: [{ category: { position: "asc" } }, { category: { name: "asc" } }],
  },
  options: {
    select: { id: true, name: true, values: { select: { id: true, value: true }, orderBy: [{ position: "asc" }, { value: "asc" }] } },
    orderBy: [{ position: "asc" }, { name: "asc" }],
  },
  variants: {
    where: { archivedAt: null },
    select: { id: true, sku: true, priceOverrideMinor: true, stock: true, optionValues: { select: { optionValueId: true } } },
    orderBy: [{ position: "asc" }, { id: "asc" }],
  },
} satisfies Prisma.ProductSelect;

type DetailsRow = Prisma.ProductGetPayload<{ select: typeof detailsSelect }>;

/** The page's product: its options in order, and each live variant's values in option order. */
function toDetails(row: DetailsRow): ProductDetails {
  const valueOf = new Map(row.options.flatMap((o) => o.values.map((v) => [v.id, { option: o.id, value: v.value }] as const)));
  const variants = row.variants.map((v) => {
    const held = new Map(v.optionValues.map((ov) => valueOf.get(ov.optionValueId)).flatMap((x) => (x ? [[x.option, x.value] as const] : [])));
    return {
      id: v.id,
      sku: v.sku,
      price: { amountMinor: v.priceOverrideMinor ?? row.priceMinor, currency: row.currency },
      stock: v.stock,
      values: row.options.map((o) => held.get(o.id) ?? ""),
    };
  });
  const range = priceRange(variants);
  return {
    ...toSelectedProduct(row),
    ...(range && range.min.amountMinor !== range.max.amountMinor ? { fromPrice: range.min } : {}),
    options: row.options.map((o) => ({ name: o.name, values: o.values.map((v) => v.value) })),
    variants,
    categories: row.categories.map((c) => c.category),
    updatedAt: row.updatedAt,
  };
}

/**
 * The words whose lexemes no product on sale contains (1-based positions):
 * their lexemes by ts_lexize with english_stem, as the 'english'
 * configuration stems plain words (stop words have none and are never
 * missing), each probed in the lexicon's primary key. All a query without
 * typos costs besides its search, and it runs beside it.
 */
export function missingWordsSql(words: readonly string[]): Prisma.Sql {
  return Prisma.sql`
    SELECT w.i::int AS i
      FROM unnest(${words}::text[]) WITH ORDINALITY AS w(word, i)
     CROSS JOIN LATERAL (SELECT (ts_lexize('english_stem', w.word))[1] AS lexeme) s
     WHERE s.lexeme IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalog_lexemes l WHERE l.lexeme = s.lexeme)`;
}

/**
 * The lexicon lookup of misspelled words' candidates, in one statement: the
 * words' lexemes (checked missing again, as missingWordsSql does), their
 * candidates' lexemes, and those in the lexicon, by primary key. Candidates
 * are stemmed only for missing words. A candidate whose lexeme is the word's
 * own ("walnots" → "walnot") is no correction.
 */
export function correctionsSql(words: readonly { word: string; candidates: readonly string[] }[]): Prisma.Sql {
  const index: number[] = [];
  const candidates: string[] = [];
  words.forEach((w, i) => {
    for (const c of w.candidates) {
      index.push(i + 1);
      candidates.push(c);
    }
  });
  return Prisma.sql`
    WITH words AS (
      SELECT w.i, (ts_lexize('english_stem', w.word))[1] AS lexeme
        FROM unnest(${words.map((w) => w.word)}::text[]) WITH ORDINALITY AS w(word, i)
    ), missing AS (
      SELECT i, lexeme FROM words
       WHERE lexeme IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalog_lexemes l WHERE l.lexeme = words.lexeme)
    ), stemmed AS (
      SELECT m.i, m.lexeme AS word_lexeme, c.candidate, (ts_lexize('english_stem', c.candidate))[1] AS lexeme
        FROM missing m JOIN unnest(${index}::int[], ${candidates}::text[]) AS c(i, candidate) ON c.i = m.i
    )
    SELECT s.i::int AS i, s.word_lexeme, s.candidate, l.lexeme, l.products
      FROM stemmed s JOIN catalog_lexemes l ON l.lexeme = s.lexeme
     WHERE s.lexeme <> s.word_lexeme
     ORDER BY s.i, l.products DESC, l.lexeme, s.candidate`;
}

export class PrismaProductRepository implements ProductCatalog, ProductBrowser, CatalogLexicon {
  constructor(private readonly db: Db) {}

  async findCorrections(typed: readonly string[], candidatesOf: (word: string) => readonly string[]): Promise<WordCorrection[]> {
    if (typed.length === 0) return [];
    const missing = await this.db.$queryRaw<{ i: number }[]>(missingWordsSql(typed));
    if (missing.length === 0) return [];
    const words = missing.map((m) => typed[m.i - 1]!).map((word) => ({ word, candidates: candidatesOf(word) }));
    const rows = await this.db.$queryRaw<{ i: number; word_lexeme: string; candidate: string; lexeme: string; products: number }[]>(correctionsSql(words));
    const out: WordCorrection[] = [];
    for (const [i, w] of words.entries()) {
      const mine = rows.filter((r) => r.i === i + 1 && LEXEME.test(r.lexeme) && LEXEME.test(r.word_lexeme));
      if (mine.length === 0) continue;
      const alternatives = [...new Set(mine.map((r) => r.lexeme))].slice(0, MAX_ALTERNATIVES);
      const best = mine.filter((r) => r.lexeme === alternatives[0]);
      // Several candidates can share the best lexeme ("walnut", "walnuts"): the one spelled as the lexeme reads best.
      const suggestion = (best.find((r) => r.candidate === r.lexeme) ?? best[0]!).candidate;
      out.push({ word: w.word, lexeme: mine[0]!.word_lexeme, alternatives, suggestion });
    }
    return out;
  }

  async searchAfter(criteria: ProductCriteria, after: ProductPosition | null, limit: number): Promise<{ product: Product; position: ProductPosition }[]> {
    const sort = sortOf(criteria);
    const rows = await this.db.$queryRaw<(ProductRow & { created_at: string; rank: number })[]>(searchAfterSql(criteria, after, limit));
    return rows.map((r) => ({ product: rowToProduct(r), position: positionOf(sort, r) }));
  }

  async findDetailsById(id: string): Promise<ProductDetails | null> {
    return this.findDetails({ id });
  }

  async search(criteria: ProductCriteria, window: { offset: number; limit: number }): Promise<{ items: Product[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.$queryRaw<ProductRow[]>(searchPageSql(criteria, window)),
      this.db.$queryRaw<{ total: number }[]>(searchCountSql(criteria)),
    ]);
    return { items: rows.map(rowToProduct), total: counted[0]?.total ?? 0 };
  }

  async findDetailsBySlug(slug: string): Promise<ProductDetails | null> {
    return this.findDetails({ slug });
  }

  /** An active product with its categories; archived ones are gone from the shop. */
  private async findDetails(where: { id: string } | { slug: string }): Promise<ProductDetails | null> {
    const row = await this.db.product.findFirst({ where: { ...where, archivedAt: null }, select: detailsSelect });
    return row ? toDetails(row) : null;
  }

  /**
   * The variant a cart line takes (see CartRepos.findOffer): the given one of
   * the product's variants, archived ones included (flagged), or the product's
   * only live variant.
   */
  async findOffer(productId: string, variantId: string | undefined): Promise<(VariantOffer & { archived?: boolean }) | "choose" | null> {
    const rows = await this.db.$queryRaw<OfferRow[]>`
      SELECT p.id, v.id AS variant_id, v.sku, p.slug, p.name, variant_title(v.id) AS variant_title, p.description,
             coalesce(v.price_override_minor, p.price_minor) AS price_minor, p.currency, v.stock, p.image_url,
             (p.archived_at IS NOT NULL OR v.archived_at IS NOT NULL) AS archived
        FROM product_variants v JOIN products p ON p.id = v.product_id
       WHERE v.product_id = ${productId}::uuid
         AND ${variantId === undefined ? Prisma.sql`v.archived_at IS NULL` : Prisma.sql`v.id = ${variantId}::uuid`}
       LIMIT 2`;
    if (rows.length > 1) return "choose";
    const r = rows[0];
    if (!r) return null;
    const offer: VariantOffer = {
      id: r.id,
      variantId: r.variant_id,
      sku: r.sku,
      slug: r.slug,
      name: r.name,
      variantTitle: r.variant_title,
      description: r.description,
      price: { amountMinor: r.price_minor, currency: r.currency },
      stock: r.stock,
      imageUrl: r.image_url,
    };
    // The flag only when set, as findById does.
    return r.archived ? { ...offer, archived: true } : offer;
  }

  async listSlugs(limit: number): Promise<{ slug: string; updatedAt: Date }[]> {
    return this.db.product.findMany({ where: { archivedAt: null }, select: { slug: true, updatedAt: true }, orderBy: { slug: "asc" }, take: limit });
  }
}
