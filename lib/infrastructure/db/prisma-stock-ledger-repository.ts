import type { AdjustmentRow, LedgerEntry, LedgerReason, StockProduct, StockQueries } from "../../application/admin/stock";
import { mapDbError } from "./errors";
import { escapeLike } from "./like";
import { applyStockMovement } from "./prisma-inventory-repository";
import { Prisma, type Db } from "./prisma-client";

type ProductRow = { id: string; sku: string; slug: string; name: string; stock: number; low_stock_threshold: number; archived_at: Date | null };

const toStockProduct = (r: ProductRow): StockProduct => ({
  id: r.id,
  sku: r.sku,
  slug: r.slug,
  name: r.name,
  stock: r.stock,
  lowStockThreshold: r.low_stock_threshold,
  archived: r.archived_at !== null,
});

/**
 * Low on stock: on sale and at or below its own threshold. The stock page's
 * list and the dashboard's (which links to it) count the same products.
 */
export const LOW_STOCK = Prisma.sql`archived_at IS NULL AND stock <= low_stock_threshold`;

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

  async lockProduct(productId: string): Promise<{ id: string; stock: number } | null> {
    const rows = await this.db.$queryRaw<{ id: string; stock: number }[]>`
      SELECT id, stock FROM products WHERE id = ${productId}::uuid FOR NO KEY UPDATE`;
    return rows[0] ?? null;
  }

  /** Through applyStockMovement: the stock and its ledger row change in one statement. */
  applyAdjustment(row: AdjustmentRow): Promise<number | null> {
    return applyStockMovement(this.db, { productId: row.productId, delta: row.delta, reason: row.reason, actorId: row.actorId, note: row.note });
  }

  async findProduct(productId: string): Promise<StockProduct | null> {
    try {
      const rows = await this.db.$queryRaw<ProductRow[]>`
        SELECT id, sku, slug, name, stock, low_stock_threshold, archived_at FROM products WHERE id = ${productId}::uuid`;
      return rows[0] ? toStockProduct(rows[0]) : null;
    } catch (error) {
      mapDbError(error, "reading a product's stock");
    }
  }

  async ledger(productId: string, window: { offset: number; limit: number }): Promise<{ items: LedgerEntry[]; total: number }> {
    try {
      // Newest first by id: rows of one product are appended in the order their changes were made.
      const rows = await this.db.$queryRaw<
        { id: string; created_at: Date; reason: LedgerReason; delta: number; stock_after: number; order_id: string | null; email: string | null; note: string | null }[]
      >`
        SELECT m.id::text AS id, m.created_at, m.reason::text AS reason, m.delta, m.stock_after, m.order_id, u.email, m.note
          FROM stock_movements m LEFT JOIN users u ON u.id = m.actor_id
         WHERE m.product_id = ${productId}::uuid
         ORDER BY m.id DESC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM stock_movements WHERE product_id = ${productId}::uuid`;
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
        SELECT id, sku, slug, name, stock, low_stock_threshold, archived_at FROM products
         WHERE ${LOW_STOCK}
         ORDER BY stock ASC, name ASC, id ASC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM products WHERE ${LOW_STOCK}`;
      return { items: rows.map(toStockProduct), total: n };
    } catch (error) {
      mapDbError(error, "listing low stock");
    }
  }

  async search(text: string, window: { offset: number; limit: number }): Promise<{ items: StockProduct[]; total: number }> {
    const pattern = containsPattern(text);
    try {
      const rows = await this.db.$queryRaw<ProductRow[]>`
        SELECT id, sku, slug, name, stock, low_stock_threshold, archived_at FROM products
         WHERE name ILIKE ${pattern} OR sku ILIKE ${pattern}
         ORDER BY name ASC, id ASC
         LIMIT ${window.limit} OFFSET ${window.offset}`;
      const [{ n } = { n: 0 }] = await this.db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM products WHERE name ILIKE ${pattern} OR sku ILIKE ${pattern}`;
      return { items: rows.map(toStockProduct), total: n };
    } catch (error) {
      mapDbError(error, "searching products");
    }
  }

  /** A back-office edit of the product: bumps its version (see schema.prisma). */
  async setThreshold(productId: string, threshold: number): Promise<boolean> {
    try {
      const changed = await this.db.$executeRaw`
        UPDATE products SET low_stock_threshold = ${threshold}, version = version + 1, updated_at = now()
         WHERE id = ${productId}::uuid`;
      return changed > 0;
    } catch (error) {
      mapDbError(error, "setting the low-stock threshold");
    }
  }
}
