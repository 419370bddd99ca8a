import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** order.refunded → refund email. */
export function refundEmailHandler(notifications: Pick<Notifications, "sendRefund">): EventHandler<"order.refunded"> {
  return {
    topic: "order.refunded",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendRefund(event, signal),
  };
}
