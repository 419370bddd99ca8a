import type { EventHandler } from "../../lib/application/shared";
import type { Notifications } from "../notifications";

/** order.paid → payment receipt email. */
export function receiptEmailHandler(notifications: Notifications): EventHandler<"order.paid"> {
  return {
    topic: "order.paid",
    group: "storefront.notifications.order-paid",
    handle: (event, signal) => notifications.sendReceipt(event, signal),
  };
}
