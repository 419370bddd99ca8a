import type { NewOrder } from "../../application/orders/place-order";
import { AppError } from "../../domain/errors";
import type { CancellationReason, Order, OrderStatus } from "../../domain/order";
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
          totalMinor: order.total.amountMinor,
          createdAt: order.createdAt,
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

  async listForUser(userId: string, limit: number): Promise<Order[]> {
    const rows = await this.db.order.findMany({
      where: { userId },
      select: orderSelect,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
    });
    return rows.map(toOrder);
  }

  /** Compare-and-set on status and version: a concurrent change makes this fail instead of being overwritten. */
  async updateStatus(update: {
    orderId: string;
    from: OrderStatus;
    to: OrderStatus;
    cancellationReason?: CancellationReason;
    expectedVersion: number;
  }): Promise<void> {
    const { count } = await this.db.order.updateMany({
      where: { id: update.orderId, status: update.from, version: update.expectedVersion },
      data: { status: update.to, cancellationReason: update.cancellationReason ?? null, version: { increment: 1 } },
    });
    if (count !== 1) {
      throw new AppError("conflict", `order ${update.orderId} changed concurrently (expected ${update.from} v${update.expectedVersion})`);
    }
  }
}
