import {
  REVENUE_STATUSES,
  type DashboardQueries,
  type DeadLetterEntry,
  type LocalDate,
  type LowStockProduct,
  type ProcessedEventEntry,
} from "../../application/admin/dashboard";
import type { OrderStatus } from "../../domain/order";
import { mapDbError } from "./errors";
import { Prisma, type Db } from "./prisma-client";
import { LOW_STOCK } from "./prisma-stock-ledger-repository";

/** PostgreSQL's sums and counts of integers are bigint; ours stay far below 2^53. */
function toNumber(value: bigint | number): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`dashboard figure out of range: ${value}`);
  return n;
}

/**
 * The dashboard's reads, in SQL. A local day in the shop's time zone becomes a
 * half-open range of instants with `(day::timestamp AT TIME ZONE zone)`, which
 * PostgreSQL resolves with its own zone rules (daylight saving included); rows
 * are compared with plain instants, so today's orders come from the created_at index.
 */
export class PrismaDashboardQueries implements DashboardQueries {
  constructor(private readonly db: Db) {}

  async ordersByStatus(day: LocalDate, timeZone: string): Promise<{ status: OrderStatus; count: number }[]> {
    try {
      const rows = await this.db.$queryRaw<{ status: OrderStatus; count: bigint }[]>`
        SELECT status::text AS status, count(*) AS count
        FROM orders
        WHERE created_at >= (${day}::date::timestamp AT TIME ZONE ${timeZone})
          AND created_at <  ((${day}::date + 1)::timestamp AT TIME ZONE ${timeZone})
        GROUP BY status`;
      return rows.map((r) => ({ status: r.status, count: toNumber(r.count) }));
    } catch (error) {
      mapDbError(error, "dashboard: orders by status");
    }
  }

  async revenueByDay(from: LocalDate, to: LocalDate, timeZone: string): Promise<{ day: LocalDate; currency: string; amountMinor: number }[]> {
    try {
      const rows = await this.db.$queryRaw<{ day: string; currency: string; amount: bigint }[]>`
        SELECT to_char((paid_at AT TIME ZONE ${timeZone})::date, 'YYYY-MM-DD') AS day, currency, sum(total_minor)::bigint AS amount
        FROM orders
        WHERE status::text IN (${Prisma.join(REVENUE_STATUSES)})
          AND paid_at >= (${from}::date::timestamp AT TIME ZONE ${timeZone})
          AND paid_at <  ((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone})
        GROUP BY 1, 2
        ORDER BY 1, 2`;
      return rows.map((r) => ({ day: r.day, currency: r.currency, amountMinor: toNumber(r.amount) }));
    } catch (error) {
      mapDbError(error, "dashboard: revenue by day");
    }
  }

  async lowStock(limit: number): Promise<{ products: LowStockProduct[]; total: number }> {
    try {
      const rows = await this.db.$queryRaw<(LowStockProduct & { total: bigint })[]>`
        SELECT v.id::text AS id, v.sku,
               p.name || CASE WHEN variant_title(v.id) = '' THEN '' ELSE ' (' || variant_title(v.id) || ')' END AS name,
               v.stock, v.low_stock_threshold AS "lowStockThreshold", count(*) OVER () AS total
        FROM product_variants v JOIN products p ON p.id = v.product_id
        WHERE ${LOW_STOCK}
        ORDER BY v.stock, p.name, v.position, v.id
        LIMIT ${limit}`;
      const total = rows[0] ? toNumber(rows[0].total) : 0;
      return { products: rows.map(({ total: _total, ...p }) => p), total };
    } catch (error) {
      mapDbError(error, "dashboard: low stock");
    }
  }

  async recentProcessedEvents(limit: number): Promise<ProcessedEventEntry[]> {
    try {
      return await this.db.$queryRaw<ProcessedEventEntry[]>`
        SELECT p.consumer, p.event_id::text AS "eventId", p.processed_at AS "processedAt",
               o.type, o.aggregate_type AS "aggregateType", o.aggregate_id AS "aggregateId"
        FROM processed_events p
        LEFT JOIN outbox_events o ON o.id = p.event_id
        ORDER BY p.processed_at DESC, p.consumer, p.event_id
        LIMIT ${limit}`;
    } catch (error) {
      mapDbError(error, "dashboard: processed events");
    }
  }

  async recentDeadLetters(limit: number): Promise<{ entries: DeadLetterEntry[]; total: number }> {
    try {
      const [entries, total] = await Promise.all([
        this.db.deadLetter.findMany({
          select: { id: true, topic: true, partition: true, offset: true, consumer: true, eventId: true, error: true, createdAt: true },
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: limit,
        }),
        this.db.deadLetter.count(),
      ]);
      return { entries, total };
    } catch (error) {
      mapDbError(error, "dashboard: dead letters");
    }
  }
}
