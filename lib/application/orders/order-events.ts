import { makeEvent, type DomainEvent } from "../../domain/events";
import type { CancellationReason, Order } from "../../domain/order";

/** The one way an order.cancelled event is built (shopper, expiry and out-of-stock cancellations). */
export function orderCancelledEvent(
  order: Pick<Order, "id" | "userId">,
  init: { id: string; at: Date; reason: CancellationReason; stockReserved: boolean },
): DomainEvent<"order.cancelled"> {
  return makeEvent("order.cancelled", {
    id: init.id,
    aggregateType: "order",
    aggregateId: order.id,
    occurredAt: init.at,
    payload: { orderId: order.id, userId: order.userId, reason: init.reason, stockReserved: init.stockReserved },
  });
}
