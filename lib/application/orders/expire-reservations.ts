import { transition, type Order, type StatusUpdate } from "../../domain/order";
import { orderCancelledEvent } from "./order-events";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";

export interface ExpireReservationsRepos {
  orders: {
    /**
     * Locks up to `limit` reserved-but-unpaid orders whose reservation lapsed,
     * skipping rows another worker holds (so each expiry happens once).
     */
    lockExpiredReservations(now: Date, limit: number, signal?: AbortSignal): Promise<Order[]>;
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  outbox: OutboxWriter;
}

/** Cancels lapsed reservations; order.cancelled makes the inventory consumer release the stock. */
export function makeExpireReservations(deps: { uow: UnitOfWork<ExpireReservationsRepos>; ids: IdGenerator; clock: Clock }) {
  return function expireReservations(limit: number, signal?: AbortSignal): Promise<number> {
    return deps.uow.run(async ({ orders, outbox }) => {
      const now = deps.clock.now();
      const due = await orders.lockExpiredReservations(now, limit, signal);
      for (const order of due) {
        await orders.updateStatus(
          {
            orderId: order.id,
            from: order.status,
            to: transition(order.status, "cancelled"),
            expectedVersion: order.version,
            cancellationReason: "payment_expired",
            reservedUntil: null,
          },
          signal,
        );
        await outbox.append(
          orderCancelledEvent(order, { id: deps.ids.uuid(), at: now, reason: "payment_expired", stockReserved: true }),
          signal,
        );
      }
      return due.length;
    }, signal);
  };
}
