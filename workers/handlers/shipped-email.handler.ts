import type { EventHandler } from "../../lib/application/shared";
import type { Notifications } from "../notifications";

/** order.shipped → "your order has shipped" email with the tracking reference. */
export function shippedEmailHandler(notifications: Notifications): EventHandler<"order.shipped"> {
  return {
    topic: "order.shipped",
    group: "storefront.notifications.order-shipped",
    handle: (event, signal) => notifications.sendShipped(event, signal),
  };
}
