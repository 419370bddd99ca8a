import type { ReservationResult, StockChange } from "../../application/inventory/reserve-stock";
import type { Db } from "./prisma-client";

export class PrismaInventoryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Locks the products in ascending id order (ORDER BY ... FOR UPDATE locks rows
   * as the sorted rows are read), checks every line, and decrements all of them
   * or none. The CHECK (stock >= 0) constraint backs this up.
   */
  async reserve(lines: readonly { productId: string; quantity: number }[]): Promise<ReservationResult> {
    const ids = lines.map((l) => l.productId);
    const rows = await this.db.$queryRaw<{ id: string; stock: number }[]>`
      SELECT id, stock FROM products WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    const stockById = new Map(rows.map((r) => [r.id, r.stock]));
    const shortages = lines
      .map((l) => ({ productId: l.productId, requested: l.quantity, available: stockById.get(l.productId) ?? 0 }))
      .filter((s) => s.available < s.requested);
    if (shortages.length > 0) return { ok: false, shortages };

    const changes = [];
    for (const l of [...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
      const updated = await this.db.$queryRaw<{ stock: number }[]>`
        UPDATE products SET stock = stock - ${l.quantity}, updated_at = now()
        WHERE id = ${l.productId}::uuid RETURNING stock`;
      changes.push({ productId: l.productId, delta: -l.quantity, stock: updated[0]!.stock });
    }
    return { ok: true, changes };
  }

  /** Gives stock back; rows are updated (and so locked) in ascending product id order. */
  async release(lines: readonly { productId: string; quantity: number }[]): Promise<StockChange[]> {
    const changes: StockChange[] = [];
    for (const l of [...lines].sort((a, b) => (a.productId < b.productId ? -1 : 1))) {
      const updated = await this.db.$queryRaw<{ stock: number }[]>`
        UPDATE products SET stock = stock + ${l.quantity}, updated_at = now()
        WHERE id = ${l.productId}::uuid RETURNING stock`;
      if (updated[0]) changes.push({ productId: l.productId, delta: l.quantity, stock: updated[0].stock });
    }
    return changes;
  }
}
