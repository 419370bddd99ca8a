import { AppError } from "../../domain/errors";
import { HOLDS_STOCK, shopperCanCancel, transition, type Order, type StatusUpdate } from "../../domain/order";
import { orderCancelledEvent } from "./order-events";
import { isRefundDue } from "../../domain/payment";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import { openCancellationRefund, type RefundRepos } from "../payments/refunds";

export interface CancelOrderRepos {
  orders: {
    /** Locks the order row until the transaction ends. */
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    /** Compare-and-set on status and version; records the change in the timeline. */
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  outbox: OutboxWriter;
  payments: RefundRepos["payments"];
  refunds: RefundRepos["refunds"];
}

/**
 * A shopper cancels their own order until it ships. The order row is locked, so
 * a reservation running at the same moment either finished before (and its
 * stock is released by the worker on order.cancelled) or sees the order
 * cancelled and reserves nothing. A paid order's charge is refunded: the
 * refund is recorded here and made by the worker; a payment still in flight
 * finds the order cancelled and voids its charge.
 */
export function makeCancelOrder(deps: { uow: UnitOfWork<CancelOrderRepos>; ids: IdGenerator; clock: Clock }) {
  return function cancelOrder(input: { userId: string; orderId: string }, signal?: AbortSignal): Promise<Order> {
    return deps.uow.run(async ({ orders, outbox, payments, refunds }) => {
      const order = await orders.lockById(input.orderId, signal);
      // Another shopper's order does not exist as far as this shopper can tell.
      if (!order || order.userId !== input.userId) throw new AppError("not_found", "No such order");
      if (order.status === "cancelled") return order;
      if (!shopperCanCancel(order.status)) {
        throw new AppError("invalid_transition", "This order has shipped and can no longer be cancelled");
      }
      const to = transition(order.status, "cancelled");
      await orders.updateStatus(
        {
          orderId: order.id,
          from: order.status,
          to,
          cancellationReason: "customer_request",
          expectedVersion: order.version,
          reservedUntil: null,
        },
        signal,
      );
      const now = deps.clock.now();
      // Money taken for an order that will not ship goes back.
      const payment = await openCancellationRefund({ payments, refunds }, order, deps.ids, now, null, signal);
      await outbox.append(
        orderCancelledEvent(order, {
          id: deps.ids.uuid(),
          at: now,
          reason: "customer_request",
          stockReserved: HOLDS_STOCK.includes(order.status),
        }),
        signal,
      );
      return {
        ...order,
        status: to,
        cancellationReason: "customer_request",
        payment,
        refundDue: isRefundDue(to, payment),
        reservedUntil: null,
        version: order.version + 1,
        updatedAt: now,
      };
    }, signal);
  };
}
