import type { EventHandler } from "../../lib/application/shared";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** order.paid → payment receipt email. */
export function receiptEmailHandler(notifications: Pick<Notifications, "sendReceipt">): EventHandler<"order.paid"> {
  return {
    topic: "order.paid",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendReceipt(event, signal),
  };
}
