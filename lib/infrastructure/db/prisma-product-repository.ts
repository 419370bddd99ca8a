import type { ProductCatalog, ProductCriteria } from "../../application/catalog/catalog";
import type { Product, ProductDetails, ProductSort } from "../../domain/catalog";
import { productSelect, toProduct } from "./mappers";
import { Prisma, type Db } from "./prisma-client";

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

function matchCondition(criteria: ProductCriteria): Prisma.Sql {
  if (criteria.text === undefined) return Prisma.sql`TRUE`;
  if (criteria.match === "words") return Prisma.sql`${DOCUMENT} @@ product_search_query(${criteria.text})`;
  // `<%`: some word of the text is at least pg_trgm.word_similarity_threshold
  // (default 0.6) similar to the query; the operator form can use the GIN index,
  // a call to word_similarity() in WHERE could not.
  return Prisma.sql`immutable_unaccent(${criteria.text}) <% ${TRIGRAM_TEXT}`;
}

function relevance(criteria: ProductCriteria): Prisma.Sql {
  if (criteria.text === undefined) return Prisma.sql`0::real`;
  if (criteria.match === "words") return Prisma.sql`ts_rank_cd(${DOCUMENT}, product_search_query(${criteria.text}))`;
  return Prisma.sql`word_similarity(immutable_unaccent(${criteria.text}), ${TRIGRAM_TEXT})`;
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
  if (criteria.inStockOnly) conditions.push(Prisma.sql`p.stock > 0`);
  return Prisma.join(conditions, " AND ");
}

/** The page query. Exported so integration tests can EXPLAIN exactly what runs. */
export function searchPageSql(criteria: ProductCriteria, window: { offset: number; limit: number }): Prisma.Sql {
  const sort = criteria.text === undefined && criteria.sort === "relevance" ? "name" : criteria.sort;
  return Prisma.sql`
    SELECT p.id, p.sku, p.slug, p.name, p.description, p.price_minor, p.currency, p.stock, p.image_url,
           ${relevance(criteria)} AS relevance
      FROM products p
     WHERE ${whereClause(criteria)}
     ORDER BY ${ORDER_BY[sort]}
     LIMIT ${window.limit} OFFSET ${window.offset}`;
}

export function searchCountSql(criteria: ProductCriteria): Prisma.Sql {
  return Prisma.sql`SELECT count(*)::int AS total FROM products p WHERE ${whereClause(criteria)}`;
}

interface ProductRow {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  price_minor: number;
  currency: string;
  stock: number;
  image_url: string | null;
}

export class PrismaProductRepository implements ProductCatalog {
  constructor(private readonly db: Db) {}

  async search(criteria: ProductCriteria, window: { offset: number; limit: number }): Promise<{ items: Product[]; total: number }> {
    const [rows, counted] = await Promise.all([
      this.db.$queryRaw<ProductRow[]>(searchPageSql(criteria, window)),
      this.db.$queryRaw<{ total: number }[]>(searchCountSql(criteria)),
    ]);
    return {
      items: rows.map((r) =>
        toProduct({
          id: r.id,
          sku: r.sku,
          slug: r.slug,
          name: r.name,
          description: r.description,
          priceMinor: r.price_minor,
          currency: r.currency,
          stock: r.stock,
          imageUrl: r.image_url,
        }),
      ),
      total: counted[0]?.total ?? 0,
    };
  }

  async findDetailsBySlug(slug: string): Promise<ProductDetails | null> {
    const row = await this.db.product.findFirst({
      where: { slug, archivedAt: null },
      select: {
        ...productSelect,
        updatedAt: true,
        categories: {
          select: { category: { select: { id: true, slug: true, name: true, description: true } } },
          orderBy: [{ category: { position: "asc" } }, { category: { name: "asc" } }],
        },
      },
    });
    if (!row) return null;
    return { ...toProduct(row), categories: row.categories.map((c) => c.category), updatedAt: row.updatedAt };
  }

  /** Also archived products (a cart must say why it refuses one), flagged. */
  async findById(productId: string): Promise<(Product & { archived?: boolean }) | null> {
    const row = await this.db.product.findUnique({ where: { id: productId }, select: { ...productSelect, archivedAt: true } });
    // The flag only when set: an active product is exactly a Product.
    return row ? { ...toProduct(row), ...(row.archivedAt !== null ? { archived: true } : {}) } : null;
  }

  async listSlugs(limit: number): Promise<{ slug: string; updatedAt: Date }[]> {
    return this.db.product.findMany({ where: { archivedAt: null }, select: { slug: true, updatedAt: true }, orderBy: { slug: "asc" }, take: limit });
  }
}
