import type { ReservableOrder, ReservationDecision, ReservationResult, StockChange, StockLine } from "../../application/inventory/reserve-stock";
import { AppError } from "../../domain/errors";
import type { OrderStatus } from "../../domain/order";
import type { Db } from "./prisma-client";

/** Why a variant's stock changed: the ledger's reason column. */
export type StockMovementReason = "opening" | "restock" | "correction" | "damage" | "reservation" | "release";

export interface StockMovementInput {
  variantId: string;
  /** Never 0. */
  delta: number;
  reason: StockMovementReason;
  orderId?: string | null;
  actorId?: string | null;
  note?: string | null;
}

/**
 * Changes one variant's stock and appends its ledger row in one statement. The
 * UPDATE locks the variant row first, so rows for one variant are appended in
 * the order their changes were made (the ledger's chain trigger relies on it).
 * Returns the stock after the change and the variant's product, or null when
 * the variant does not exist or the change would take its stock below zero
 * (nothing is written then).
 */
export async function applyStockMovement(db: Db, m: StockMovementInput): Promise<{ stock: number; productId: string } | null> {
  const rows = await db.$queryRaw<{ stock_after: number; product_id: string }[]>`
    WITH changed AS (
      UPDATE product_variants SET stock = stock + ${m.delta}, updated_at = now()
       WHERE id = ${m.variantId}::uuid AND stock + ${m.delta} >= 0
      RETURNING id, product_id, stock
    )
    INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, order_id, actor_id, note)
    SELECT product_id, id, ${m.delta}, stock, ${m.reason}::"StockMovementReason", ${m.orderId ?? null}::uuid, ${m.actorId ?? null}::uuid, ${m.note ?? null}
      FROM changed
    RETURNING stock_after, product_id::text`;
  const row = rows[0];
  return row ? { stock: row.stock_after, productId: row.product_id } : null;
}

export class PrismaInventoryRepository {
  constructor(private readonly db: Db) {}

  /**
   * Locks the variants in ascending id order (ORDER BY ... FOR NO KEY UPDATE
   * locks rows as the sorted rows are read), checks every line, and takes all
   * of them or none, each with its ledger row. The CHECK (stock >= 0)
   * constraint backs this up.
   *
   * NO KEY UPDATE, the lock an UPDATE of stock takes anyway: a plain FOR
   * UPDATE also blocks the KEY SHARE locks that inserting order_items takes on
   * its variants (the foreign key check), in the cart's order, so a checkout
   * and a reservation could wait on each other (a deadlock, found by the
   * two-worker fault test).
   */
  async reserve(orderId: string, lines: readonly StockLine[]): Promise<ReservationResult> {
    const ids = lines.map((l) => l.variantId);
    const rows = await this.db.$queryRaw<{ id: string; stock: number }[]>`
      SELECT id::text, stock FROM product_variants WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
    const stockById = new Map(rows.map((r) => [r.id, r.stock]));
    const shortages = lines
      .map((l) => ({ variantId: l.variantId, requested: l.quantity, available: stockById.get(l.variantId) ?? 0 }))
      .filter((s) => s.available < s.requested);
    if (shortages.length > 0) return { ok: false, shortages };

    const changes: StockChange[] = [];
    for (const l of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
      const after = await applyStockMovement(this.db, { variantId: l.variantId, delta: -l.quantity, reason: "reservation", orderId });
      // Unreachable while the rows are locked and checked above; refuse rather than half-reserve.
      if (after === null) throw new Error(`reserving ${l.quantity} of variant ${l.variantId} failed after the stock check`);
      changes.push({ productId: after.productId, variantId: l.variantId, delta: -l.quantity, stock: after.stock });
    }
    return { ok: true, changes };
  }

  /**
   * A batch reservation's orders, locked in ascending id order with FOR UPDATE
   * (what lockById takes), read with their lines. Orders are locked before any
   * variant, as in the single path.
   */
  async lockOrdersForReservation(orderIds: readonly string[]): Promise<ReservableOrder[]> {
    if (orderIds.length === 0) return [];
    const ids = [...new Set(orderIds)].sort();
    const orders = await this.db.$queryRaw<{ id: string; user_id: string; status: OrderStatus; version: number }[]>`
      SELECT id::text, user_id::text, status::text AS status, version FROM orders WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
    if (orders.length === 0) return [];
    const lines = await this.db.$queryRaw<{ order_id: string; variant_id: string; quantity: number }[]>`
      SELECT order_id::text, variant_id::text, quantity FROM order_items WHERE order_id = ANY(${orders.map((o) => o.id)}::uuid[])`;
    const byOrder = new Map<string, StockLine[]>();
    for (const l of lines) {
      const list = byOrder.get(l.order_id) ?? [];
      list.push({ variantId: l.variant_id, quantity: l.quantity });
      byOrder.set(l.order_id, list);
    }
    return orders.map((o) => ({ id: o.id, userId: o.user_id, status: o.status, version: o.version, lines: byOrder.get(o.id) ?? [] }));
  }

  /** Locks the variants in ascending id order, FOR NO KEY UPDATE as `reserve` does (see there why not FOR UPDATE). */
  async lockStock(variantIds: readonly string[]): Promise<Map<string, { stock: number; productId: string }>> {
    if (variantIds.length === 0) return new Map();
    const ids = [...new Set(variantIds)].sort();
    const rows = await this.db.$queryRaw<{ id: string; stock: number; product_id: string }[]>`
      SELECT id::text, stock, product_id::text FROM product_variants WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR NO KEY UPDATE`;
    return new Map(rows.map((r) => [r.id, { stock: r.stock, productId: r.product_id }]));
  }

  /**
   * A batch reservation's writes in two statements, whatever its size (they
   * run while the batch holds its variant locks, so round trips count): the
   * ledger rows in the order given (the chain trigger checks each against the
   * row before it, earlier rows of the same statement included) with each
   * variant's stock set to its last stock_after; then each order's status
   * with a compare-and-set on its version, and its timeline entry. The
   * variants and orders must be locked by this transaction already.
   */
  async applyReservations(decisions: readonly ReservationDecision[]): Promise<void> {
    if (decisions.length === 0) return;
    const movements = decisions.flatMap((d) => d.movements);
    if (movements.length > 0) {
      const last = new Map<string, number>();
      for (const m of movements) last.set(m.variantId, m.stockAfter);
      await this.db.$executeRaw`
        WITH ledger AS (
          INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, order_id)
          SELECT v.product_id, m.variant_id, m.delta, m.stock_after, 'reservation'::"StockMovementReason", m.order_id
          FROM unnest(${movements.map((m) => m.variantId)}::uuid[], ${movements.map((m) => m.delta)}::int[],
                      ${movements.map((m) => m.stockAfter)}::int[], ${movements.map((m) => m.orderId)}::uuid[])
               WITH ORDINALITY AS m(variant_id, delta, stock_after, order_id, n)
          JOIN product_variants v ON v.id = m.variant_id
          ORDER BY m.n
          RETURNING 1)
        UPDATE product_variants AS pv SET stock = v.stock, updated_at = now()
        FROM unnest(${[...last.keys()]}::uuid[], ${[...last.values()]}::int[]) AS v(id, stock)
        WHERE pv.id = v.id`;
    }
    const u = decisions.map((d) => d.update);
    const rows = await this.db.$queryRaw<{ n: number }[]>`
      WITH changed AS (
        UPDATE orders AS o
        SET status = v.next::"OrderStatus", cancellation_reason = v.reason, version = o.version + 1,
            reserved_until = CASE WHEN v.has_until THEN v.until ELSE o.reserved_until END, updated_at = now()
        FROM unnest(${u.map((x) => x.orderId)}::uuid[], ${u.map((x) => x.from)}::text[], ${u.map((x) => x.to)}::text[],
                    ${u.map((x) => x.expectedVersion)}::int[], ${u.map((x) => x.cancellationReason ?? null)}::text[],
                    ${u.map((x) => x.reservedUntil !== undefined)}::boolean[], ${u.map((x) => x.reservedUntil?.toISOString() ?? null)}::timestamptz[])
             AS v(id, prev, next, version, reason, has_until, until)
        WHERE o.id = v.id AND o.status = v.prev::"OrderStatus" AND o.version = v.version
        RETURNING o.id, o.status, o.cancellation_reason),
      timeline AS (
        INSERT INTO order_status_changes (id, order_id, status, reason)
        SELECT gen_random_uuid(), id, status, cancellation_reason FROM changed
        RETURNING 1)
      SELECT count(*)::int AS n FROM changed`;
    const updated = rows[0]?.n ?? 0;
    if (updated !== u.length) {
      // Throwing rolls the whole batch back; the consumer then takes its events one by one.
      throw new AppError("conflict", `${u.length - updated} of ${u.length} orders changed concurrently during a batch reservation`);
    }
  }

  /** Gives stock back with its ledger rows; rows are updated (and so locked) in ascending variant id order. */
  async release(orderId: string, lines: readonly StockLine[]): Promise<StockChange[]> {
    const changes: StockChange[] = [];
    for (const l of [...lines].sort((a, b) => (a.variantId < b.variantId ? -1 : 1))) {
      const after = await applyStockMovement(this.db, { variantId: l.variantId, delta: l.quantity, reason: "release", orderId });
      if (after !== null) changes.push({ productId: after.productId, variantId: l.variantId, delta: l.quantity, stock: after.stock });
    }
    return changes;
  }
}
