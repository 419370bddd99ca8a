import type { EventHandler } from "../../lib/application/shared";
import type { Notifications } from "../notifications";

/** order.created → order confirmation email. */
export function orderConfirmationEmailHandler(notifications: Notifications): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: "storefront.notifications.order-created",
    handle: (event, signal) => notifications.sendOrderConfirmation(event, signal),
  };
}
