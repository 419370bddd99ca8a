import type { NewOrder } from "../../application/orders/place-order";
import { AppError } from "../../domain/errors";
import { orderLineRecord, type Order, type StatusUpdate } from "../../domain/order";
import { isUniqueViolation, mapDbError } from "./errors";
import { orderSelect, toOrder } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaOrderRepository {
  constructor(private readonly db: Db) {}

  /**
   * One statement (placing an order is a hot path): the order, its first
   * timeline entry and its lines. The new order is built from what was
   * written, not read back.
   */
  async create(order: NewOrder): Promise<Order> {
    const lines = [...order.lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    try {
      await this.db.$executeRaw`
        WITH o AS (
          INSERT INTO orders (id, user_id, status, checkout_key, currency, subtotal_minor, shipping_minor, total_minor,
                              ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country, created_at, updated_at)
          VALUES (${order.id}::uuid, ${order.userId}::uuid, 'pending', ${order.checkoutKey}, ${order.total.currency},
                  ${order.subtotal.amountMinor}, ${order.shipping.amountMinor}, ${order.total.amountMinor},
                  ${order.shipTo.name}, ${order.shipTo.line1}, ${order.shipTo.line2}, ${order.shipTo.city},
                  ${order.shipTo.postalCode}, ${order.shipTo.country}, ${order.createdAt}, ${order.createdAt})
          RETURNING id
        ), timeline AS (
          INSERT INTO order_status_changes (id, order_id, status, created_at)
          SELECT gen_random_uuid(), o.id, 'pending', ${order.createdAt} FROM o
        )
        INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, variant_title, unit_price_minor, quantity)
        SELECT gen_random_uuid(), o.id, l.product_id, l.variant_id, l.sku, l.name, l.variant_title, l.unit_price_minor, l.quantity
        FROM o, unnest(${lines.map((l) => l.productId)}::uuid[], ${lines.map((l) => l.variantId)}::uuid[], ${lines.map((l) => l.sku)}::text[],
                       ${lines.map((l) => l.name)}::text[], ${lines.map((l) => l.variantTitle)}::text[],
                       ${lines.map((l) => l.unitPrice.amountMinor)}::int[], ${lines.map((l) => l.quantity)}::int[])
             AS l(product_id, variant_id, sku, name, variant_title, unit_price_minor, quantity)`;
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError("conflict", "This checkout was already submitted", { cause: error });
      mapDbError(error, "create order");
    }
    return toOrder({
      id: order.id,
      userId: order.userId,
      status: "pending",
      cancellationReason: null,
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
      version: 0,
      reservedUntil: null,
      paidAt: null,
      trackingReference: null,
      createdAt: order.createdAt,
      updatedAt: order.createdAt,
      items: lines.map(orderLineRecord),
      statusChanges: [{ status: "pending", reason: null, actorId: null, createdAt: order.createdAt }],
      paymentAttempts: [],
      refunds: [],
    });
  }

  async findByCheckoutKey(userId: string, checkoutKey: string): Promise<Order | null> {
    // Almost always none (it is asked before every order is placed): one small query, the full read only on a hit.
    const hit = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM orders WHERE user_id = ${userId}::uuid AND checkout_key = ${checkoutKey}`;
    return hit[0] ? this.findById(hit[0].id) : null;
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
        ...(update.at !== undefined ? { updatedAt: update.at } : {}),
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
