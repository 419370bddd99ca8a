import type { AdjustmentRow, LedgerEntry, LedgerReason, StockProduct, StockQueries } from "../../application/admin/stock";
import { mapDbError } from "./errors";
import { escapeLike } from "./like";
import { applyStockMovement } from "./prisma-inventory-repository";
import { Prisma, type Db } from "./prisma-client";

type ProductRow = {
  id: string;
  product_id: string;
  sku: string;
  slug: string;
  name: string;
  variant_title: string;
  stock: number;
  low_stock_threshold: number;
  archived: boolean;
};

const toStockProduct = (r: ProductRow): StockProduct => ({
  id: r.id,
  productId: r.product_id,
  sku: r.sku,
  slug: r.slug,
  name: r.name,
  variantTitle: r.variant_title,
  stock: r.stock,
  lowStockThreshold: r.low_stock_threshold,
  archived: r.archived,
});

/** A variant (v) with its product (p), as the stock pages list it. */
export const STOCK_ROW = Prisma.sql`v.id::text AS id, p.id::text AS product_id, v.sku, p.slug, p.name, variant_title(v.id) AS variant_title,
  v.stock, v.low_stock_threshold, (v.archived_at IS NOT NULL OR p.archived_at IS NOT NULL) AS archived`;

/**
 * Low on stock: a live variant of a product on sale, at or below its own
 * threshold. The stock page's list and the dashboard's (which links to it)
 * count the same variants. Over product_variants v JOIN products p.
 */
export const LOW_STOCK = Prisma.sql`v.archived_at IS NULL AND p.archived_at IS NULL AND v.stock <= v.low_stock_threshold`;

/** `text` as a LIKE pattern that matches it literally anywhere. */
function containsPattern(text: string): string {
  return `%${escapeLike(text)}%`;
}

/**
 * The back office's stock adjustments, the ledger and low-stock queries. Bound
 * to a transaction (the unit of work's `stockLedger`) for adjustments, or to
 * the client for the read-only queries and the threshold.
 */
export class PrismaStockLedgerRepository implements StockQueries {
  constructor(private readonly db: Db) {}

  async lockVariant(variantId: string): Promise<{ id: string; productId: string; stock: number } | null> {
    const rows = await this.db.$queryRaw<{ id: string; product_id: string; stock: number }[]>`
      SELECT id::text, product_id::text, stock FROM product_variants WHERE id = ${variantId}::uuid FOR NO KEY UPDATE`;
    const row = rows[0];
    return row ? { id: row.id, productId: row.product_id, stock: row.stock } : null;
  }

  /** Through applyStockMovement: the stock and its ledger row change in one statement. */
  async applyAdjustment(row: AdjustmentRow): Promise<number | null> {
    const after = await applyStockMovement(this.db, { variantId: row.variantId, delta: row.delta, reason: row.reason, actorId: row.actorId, note: row.note });
    return after?.stock ?? null;
  }

  async findVariant(variantId: string): Promise<StockProduct | null> {
    try {
      const rows = await this.db.$queryRaw<ProductRow[]>`
        SELECT ${STOCK_ROW} FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = ${variantId}::uuid`;
      return rows[0] ? toStockProduct(rows[0]) : null;
    } catch (error) {
      mapDbError(error, "reading a variant's stock");
    }
  }

  async ledger(variantId: string, window: { offset: number; limit: number }): Promise<{ items: LedgerEntry[]; total: number }> {
    try {
      // Newest first by id: rows of one variant are appended in the order their changes were made.
      const rows = await this.db.$queryRaw<
        { id: string; created_at: Date; reason: LedgerReason; delta: number; stock_after: number; order_id: string | null; email: string | null; note: string | null }[]
      >`
        SELECT m.id::text AS id, m.created_at, m.reason::text AS reason, m.delta, m.stock_after, m.order_id, u.email, m.note
          FROM stock_movements m LEFT JOIN users u ON u.id = m.actor_id
         WHERE m.variant_id = ${variantId}::uuid
         ORDER BY m.id DESC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM stock_movements WHERE variant_id = ${variantId}::uuid`;
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.created_at,
          reason: r.reason,
          delta: r.delta,
          stockAfter: r.stock_after,
          orderId: r.order_id,
          actorEmail: r.email,
          note: r.note,
        })),
        total: n,
      };
    } catch (error) {
      mapDbError(error, "reading the stock ledger");
    }
  }

  async lowStock(window: { offset: number; limit: number }): Promise<{ items: StockProduct[]; total: number }> {
    try {
      const rows = await this.db.$queryRaw<ProductRow[]>`
        SELECT ${STOCK_ROW} FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE ${LOW_STOCK}
         ORDER BY v.stock ASC, p.name ASC, v.position ASC, v.id ASC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM product_variants v JOIN products p ON p.id = v.product_id WHERE ${LOW_STOCK}`;
      return { items: rows.map(toStockProduct), total: n };
    } catch (error) {
      mapDbError(error, "listing low stock");
    }
  }

  async search(text: string, window: { offset: number; limit: number }): Promise<{ items: StockProduct[]; total: number }> {
    const pattern = containsPattern(text);
    try {
      const rows = await this.db.$queryRaw<ProductRow[]>`
        SELECT ${STOCK_ROW} FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE p.name ILIKE ${pattern} OR v.sku ILIKE ${pattern}
         ORDER BY p.name ASC, v.position ASC, v.id ASC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE p.name ILIKE ${pattern} OR v.sku ILIKE ${pattern}`;
      return { items: rows.map(toStockProduct), total: n };
    } catch (error) {
      mapDbError(error, "searching products");
    }
  }

  /** A back-office edit of the variant: bumps its version (see schema.prisma). */
  async setThreshold(variantId: string, threshold: number): Promise<boolean> {
    try {
      const changed = await this.db.$executeRaw`
        UPDATE product_variants SET low_stock_threshold = ${threshold}, version = version + 1, updated_at = now()
         WHERE id = ${variantId}::uuid`;
      return changed > 0;
    } catch (error) {
      mapDbError(error, "setting the low-stock threshold");
    }
  }
}
