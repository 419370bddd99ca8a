import type { EventHandler } from "../../lib/application/shared";
import type { WorkerServices } from "../../lib/composition/worker-services";
import { NOTIFICATIONS_GROUP } from "./groups";
import type { Notifications } from "../notifications";

/** order.created → order confirmation email. A backlog is queued in batches, one transaction each. */
export function orderConfirmationEmailHandler(
  notifications: Pick<Notifications, "sendOrderConfirmation">,
  queueOrderConfirmations: WorkerServices["queueOrderConfirmations"],
): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: NOTIFICATIONS_GROUP,
    handle: (event, signal) => notifications.sendOrderConfirmation(event, signal),
    handleBatch: (events, signal) => queueOrderConfirmations(events, signal),
  };
}
