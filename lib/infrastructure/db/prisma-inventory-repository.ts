import type { ReservationResult, StockChange } from "../../application/inventory/reserve-stock";
import type { Db } from "./prisma-client";

/** Why a product's stock changed: the ledger's reason column. */
export type StockMovementReason = "opening" | "restock" | "correction" | "damage" | "reservation" | "release";

export interface StockMovementInput {
  productId: string;
  /** Never 0. */
  delta: number;
  reason: StockMovementReason;
  orderId?: string | null;
  actorId?: string | null;
  note?: string | null;
}

/**
 * Changes one product's stock and appends its ledger row in one statement. The
 * UPDATE locks the product row first, so rows for one product are appended in
 * the order their changes were made (the ledger's chain trigger relies on it).
 * Returns the stock after the change, or null when the product does not exist
 * or the change would take its stock below zero (nothing is written then).
 */
export async function applyStockMovement(db: Db, m: StockMovementInput): Promise<number | null> {
  const rows = await db.$queryRaw<{ stock_after: number }[]>`
    WITH changed AS (
      UPDATE products SET stock = stock + ${m.delta}, updated_at = now()
       WHERE id = ${m.productId}::uuid AND stock + ${m.delta} >= 0
      RETURNING id, stock
    )
    INSERT INTO stock_movements (product_id, delta, stock_after, reason, order_id, actor_id, note)
    SELECT id, ${m.delta}, stock, ${m.reason}::"StockMovementReason", ${m.orderId ?? null}::uuid, ${m.actorId ?? null}::uuid, ${m.note ?? null}
      FROM changed
    RETURNING stock_after`;
  return rows[0]?.stock_after ?? null;
}

export class PrismaInventoryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Locks the products in ascending id order (ORDER BY ... FOR NO KEY UPDATE
   * locks rows as the sorted rows are read), checks every line, and takes all
   * of them or none, each with its ledger row. The CHECK (stock >= 0)
   * constraint backs this up.
   *
   * NO KEY UPDATE, the lock an UPDATE of stock takes anyway: a plain FOR
   * UPDATE also blocks the KEY SHARE locks that inserting order_items takes on
   * its products (the foreign key check), in the cart's order, so a checkout
   * and a reservation could wait on each other (a deadlock, found by the
   * two-worker fault test).
   */
  async reserve(orderId: string, lines: readonly { productId: string; quantity: number }[]): Promise<ReservationResult> {
    const ids = lines.map((l) => l.productId);
    const rows = await this.db.$queryRaw<{ id: string; stock: number }[]>`
      SELECT id, stock FROM products WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
    const stockById = new Map(rows.map((r) => [r.id, r.stock]));
    const shortages = lines
      .map((l) => ({ productId: l.productId, requested: l.quantity, available: stockById.get(l.productId) ?? 0 }))
      .filter((s) => s.available < s.requested);
    if (shortages.length > 0) return { ok: false, shortages };

    const changes: StockChange[] = [];
    for (const l of [...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
      const stock = await applyStockMovement(this.db, { productId: l.productId, delta: -l.quantity, reason: "reservation", orderId });
      // Unreachable while the rows are locked and checked above; refuse rather than half-reserve.
      if (stock === null) throw new Error(`reserving ${l.quantity} of ${l.productId} failed after the stock check`);
      changes.push({ productId: l.productId, delta: -l.quantity, stock });
    }
    return { ok: true, changes };
  }

  /** Gives stock back with its ledger rows; rows are updated (and so locked) in ascending product id order. */
  async release(orderId: string, lines: readonly { productId: string; quantity: number }[]): Promise<StockChange[]> {
    const changes: StockChange[] = [];
    for (const l of [...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
      const stock = await applyStockMovement(this.db, { productId: l.productId, delta: l.quantity, reason: "release", orderId });
      if (stock !== null) changes.push({ productId: l.productId, delta: l.quantity, stock });
    }
    return changes;
  }
}
