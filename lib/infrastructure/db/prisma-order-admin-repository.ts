import type { AdminOrderDetail, AdminOrderFilters, AdminOrderReader, AdminOrderRow, OrderCursor } from "../../application/admin/orders";
import type { OrderStatus } from "../../domain/order";
import { mapDbError } from "./errors";
import { escapeLike } from "./like";
import { isRefundDue } from "../../domain/payment";
import { orderSelect, toOrder, toOrderPayment } from "./mappers";
import type { Db } from "./prisma-client";

/** The back office's orders as the back office lists and moves them. */
export class PrismaOrderAdminRepository implements AdminOrderReader {
  constructor(private readonly db: Db) {}

  /**
   * Keyset pagination on (created_at desc, id asc), the order of the index
   * orders_created_at_id_idx: an order placed while someone pages sorts before
   * the cursor, so later pages neither repeat nor skip a row.
   */
  async list(filters: AdminOrderFilters, after: OrderCursor | null, limit: number): Promise<AdminOrderRow[]> {
    try {
      const rows = await this.db.order.findMany({
        where: {
          AND: [
            filters.status ? { status: filters.status } : {},
            filters.createdFrom ? { createdAt: { gte: filters.createdFrom } } : {},
            filters.createdBefore ? { createdAt: { lt: filters.createdBefore } } : {},
            // Emails are stored lower-cased; the filter is lower-cased too. Prisma's startsWith is a
            // LIKE that leaves % and _ as wildcards: escape them so they match themselves.
            filters.emailPrefix ? { user: { email: { startsWith: escapeLike(filters.emailPrefix) } } } : {},
            after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] } : {},
          ],
        },
        select: {
          id: true,
          status: true,
          currency: true,
          totalMinor: true,
          paymentAttempts: orderSelect.paymentAttempts,
          refunds: orderSelect.refunds,
          createdAt: true,
          version: true,
          user: { select: { email: true } },
        },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
        take: limit,
      });
      return rows.map((r) => ({
        id: r.id,
        status: r.status as OrderStatus,
        customerEmail: r.user.email,
        total: { amountMinor: r.totalMinor, currency: r.currency },
        refundDue: isRefundDue(r.status as OrderStatus, toOrderPayment(r)),
        createdAt: r.createdAt,
        version: r.version,
      }));
    } catch (error) {
      mapDbError(error, "list orders");
    }
  }

  async detail(orderId: string): Promise<AdminOrderDetail | null> {
    try {
      const row = await this.db.order.findUnique({
        where: { id: orderId },
        select: {
          ...orderSelect,
          user: { select: { id: true, email: true, name: true } },
          // Every attempt, declines and voids included (the order's money only counts those that took money).
          paymentAttempts: {
            select: { state: true, reason: true, reference: true, cardLast4: true, amountMinor: true, appliedAt: true, createdAt: true },
            orderBy: [{ createdAt: "asc" }, { id: "asc" }],
          },
          statusChanges: {
            select: { status: true, reason: true, actorId: true, createdAt: true, actor: { select: { email: true } } },
            orderBy: { createdAt: "asc" },
          },
        },
      });
      if (!row) return null;
      const order = toOrder(row);
      return {
        order,
        customer: row.user,
        payments: row.paymentAttempts.map((p) => ({
          state: p.state,
          reason: p.reason,
          reference: p.reference,
          cardLast4: p.cardLast4,
          amount: { amountMinor: p.amountMinor, currency: order.total.currency },
          at: p.createdAt,
        })),
        timeline: row.statusChanges.map((c) => ({ status: c.status, reason: c.reason, at: c.createdAt, actorEmail: c.actor?.email ?? null })),
      };
    } catch (error) {
      mapDbError(error, "order detail");
    }
  }

  async customerEmail(userId: string): Promise<string | null> {
    const row = await this.db.user.findUnique({ where: { id: userId }, select: { email: true } });
    return row?.email ?? null;
  }
}
