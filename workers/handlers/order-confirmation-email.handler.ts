import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** order.created → order confirmation email. */
export function orderConfirmationEmailHandler(notifications: Notifications): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendOrderConfirmation(event, signal),
  };
}
