import type { EventHandler } from "../../lib/application/shared";
import type { WorkerServices } from "../../lib/composition/worker-services";
import { INVENTORY_GROUP } from "./groups";

/** order.cancelled → give back the stock a cancelled order held. */
export function releaseStockHandler({ releaseStock }: Pick<WorkerServices, "releaseStock">): EventHandler<"order.cancelled"> {
  return {
    topic: "order.cancelled",
    group: INVENTORY_GROUP,
    handle: (event, signal) => releaseStock(event, signal),
  };
}
