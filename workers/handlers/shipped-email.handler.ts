import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** order.shipped → "your order has shipped" email with the tracking reference. */
export function shippedEmailHandler(notifications: Pick<Notifications, "sendShipped">): EventHandler<"order.shipped"> {
  return {
    topic: "order.shipped",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendShipped(event, signal),
  };
}
