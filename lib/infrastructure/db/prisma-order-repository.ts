import type { NewOrder } from "../../application/orders/place-order";
import { AppError } from "../../domain/errors";
import type { Order, StatusUpdate } from "../../domain/order";
import { isUniqueViolation, mapDbError } from "./errors";
import { orderSelect, toOrder } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaOrderRepository {
  constructor(private readonly db: Db) {}

  async create(order: NewOrder): Promise<Order> {
    try {
      const row = await this.db.order.create({
        data: {
          id: order.id,
          userId: order.userId,
          checkoutKey: order.checkoutKey,
          currency: order.total.currency,
          subtotalMinor: order.subtotal.amountMinor,
          shippingMinor: order.shipping.amountMinor,
          totalMinor: order.total.amountMinor,
          shipName: order.shipTo.name,
          shipLine1: order.shipTo.line1,
          shipLine2: order.shipTo.line2,
          shipCity: order.shipTo.city,
          shipPostalCode: order.shipTo.postalCode,
          shipCountry: order.shipTo.country,
          createdAt: order.createdAt,
          statusChanges: { create: { status: "pending", createdAt: order.createdAt } },
          items: {
            create: order.lines.map((l) => ({
              productId: l.productId,
              sku: l.sku,
              name: l.name,
              unitPriceMinor: l.unitPrice.amountMinor,
              quantity: l.quantity,
            })),
          },
        },
        select: orderSelect,
      });
      return toOrder(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "This checkout was already submitted", { cause: error });
      mapDbError(error, "create order");
    }
  }

  async findByCheckoutKey(userId: string, checkoutKey: string): Promise<Order | null> {
    const row = await this.db.order.findUnique({ where: { userId_checkoutKey: { userId, checkoutKey } }, select: orderSelect });
    return row ? toOrder(row) : null;
  }

  async findById(orderId: string): Promise<Order | null> {
    const row = await this.db.order.findUnique({ where: { id: orderId }, select: orderSelect });
    return row ? toOrder(row) : null;
  }

  async lockById(orderId: string): Promise<Order | null> {
    const locked = await this.db.$queryRaw<{ id: string }[]>`SELECT id FROM orders WHERE id = ${orderId}::uuid FOR UPDATE`;
    return locked.length === 0 ? null : this.findById(orderId);
  }

  async customerEmail(orderId: string): Promise<string> {
    const row = await this.db.order.findUnique({ where: { id: orderId }, select: { user: { select: { email: true } } } });
    if (!row) throw new AppError("not_found", `order ${orderId} not found`);
    return row.user.email;
  }

  async listForUser(userId: string, limit: number): Promise<Order[]> {
    const rows = await this.db.order.findMany({
      where: { userId },
      select: orderSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    });
    return rows.map(toOrder);
  }

  /** Keyset page of a user's orders, newest first; (created_at, id) strictly after `after`. */
  async listForUserAfter(userId: string, after: { createdAt: Date; id: string } | null, limit: number): Promise<Order[]> {
    const rows = await this.db.order.findMany({
      where: {
        userId,
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      select: orderSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    });
    return rows.map(toOrder);
  }

  /**
   * Compare-and-set on status and version (a concurrent change makes this fail
   * instead of being overwritten), plus the timeline row, in the caller's transaction.
   */
  async updateStatus(update: StatusUpdate): Promise<void> {
    const { count } = await this.db.order.updateMany({
      where: { id: update.orderId, status: update.from, version: update.expectedVersion },
      data: {
        status: update.to,
        cancellationReason: update.cancellationReason ?? null,
        version: { increment: 1 },
        ...(update.reservedUntil !== undefined ? { reservedUntil: update.reservedUntil } : {}),
        ...(update.paidAt !== undefined ? { paidAt: update.paidAt } : {}),
        ...(update.trackingReference !== undefined ? { trackingReference: update.trackingReference } : {}),
      },
    });
    if (count !== 1) {
      throw new AppError("conflict", `order ${update.orderId} changed concurrently (expected ${update.from} v${update.expectedVersion})`);
    }
    await this.db.orderStatusChange.create({
      data: {
        orderId: update.orderId,
        status: update.to,
        reason: update.cancellationReason ?? update.note ?? null,
        actorId: update.actorId ?? null,
      },
      select: { id: true },
    });
  }

  /** Reserved, unpaid orders past their deadline, locked; rows another worker holds are skipped. */
  async lockExpiredReservations(now: Date, limit: number): Promise<Order[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM orders
      WHERE status = 'stock_reserved' AND reserved_until <= ${now}
      ORDER BY reserved_until
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return [];
    const orders = await this.db.order.findMany({ where: { id: { in: rows.map((r) => r.id) } }, select: orderSelect });
    return orders.map(toOrder);
  }
}
