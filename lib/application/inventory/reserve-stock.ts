import { makeEvent, type DomainEvent } from "../../domain/events";
import { transition, type Order, type StatusUpdate } from "../../domain/order";
import { orderCancelledEvent } from "../orders/order-events";
import type { Clock, IdGenerator, OutboxWriter, ProcessedEvents, UnitOfWork } from "../shared";

export interface StockChange {
  productId: string;
  delta: number;
  stock: number;
}

export type ReservationResult =
  | { ok: true; changes: StockChange[] }
  | { ok: false; shortages: { productId: string; requested: number; available: number }[] };

export interface ReserveStockRepos {
  processed: Pick<ProcessedEvents, "markProcessed">;
  orders: {
    /** Locks the order row until the transaction ends. */
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    /** Compare-and-set on status and version; records the change in the timeline. */
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  inventory: {
    /**
     * Takes every line or none. Rows are locked in ascending product id order,
     * so concurrent reservations over overlapping products cannot deadlock.
     */
    reserve(orderId: string, lines: readonly { productId: string; quantity: number }[], signal?: AbortSignal): Promise<ReservationResult>;
  };
  outbox: OutboxWriter;
}

export const INVENTORY_CONSUMER = "inventory";

export type ReserveOutcome = "reserved" | "rejected" | "duplicate" | "skipped";

/** Merges lines of the same product and sorts by product id: the one lock order. */
export function lockOrder(lines: readonly { productId: string; quantity: number }[]) {
  const merged = new Map<string, number>();
  for (const l of lines) merged.set(l.productId, (merged.get(l.productId) ?? 0) + l.quantity);
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([productId, quantity]) => ({ productId, quantity }));
}

export function makeReserveStock(deps: {
  uow: UnitOfWork<ReserveStockRepos>;
  ids: IdGenerator;
  clock: Clock;
  /** How long reserved stock waits for payment before the expiry job releases it. */
  reservationTtlMs: number;
}) {
  return function reserveStock(event: DomainEvent<"order.created">, signal?: AbortSignal): Promise<ReserveOutcome> {
    return deps.uow.run(async ({ processed, orders, inventory, outbox }) => {
      if (!(await processed.markProcessed(INVENTORY_CONSUMER, event.id, signal))) return "duplicate";
      const order = await orders.lockById(event.payload.orderId, signal);
      // Only a pending order needs stock; anything else was decided already.
      if (!order || order.status !== "pending") return "skipped";

      const result = await inventory.reserve(order.id, lockOrder(order.lines), signal);
      const now = deps.clock.now();
      if (result.ok) {
        await orders.updateStatus(
          {
            orderId: order.id,
            from: order.status,
            to: transition(order.status, "stock_reserved"),
            expectedVersion: order.version,
            reservedUntil: new Date(now.getTime() + deps.reservationTtlMs),
          },
          signal,
        );
        await outbox.append(
          makeEvent("inventory.updated", {
            id: deps.ids.uuid(),
            aggregateType: "order",
            aggregateId: order.id,
            occurredAt: now,
            payload: { reason: "reservation", orderId: order.id, changes: result.changes },
          }),
          signal,
        );
        return "reserved";
      }
      await orders.updateStatus(
        {
          orderId: order.id,
          from: order.status,
          to: transition(order.status, "cancelled"),
          cancellationReason: "out_of_stock",
          expectedVersion: order.version,
        },
        signal,
      );
      await outbox.append(
        orderCancelledEvent(order, { id: deps.ids.uuid(), at: now, reason: "out_of_stock", stockReserved: false }),
        signal,
      );
      return "rejected";
    }, signal);
  };
}
