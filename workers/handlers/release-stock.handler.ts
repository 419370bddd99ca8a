import type { EventHandler } from "../../lib/application/shared";
import { INVENTORY_GROUP } from "./groups";
import type { Services } from "../../lib/composition/root";

/** order.cancelled → give back the stock a cancelled order held. */
export function releaseStockHandler(services: Services): EventHandler<"order.cancelled"> {
  return {
    topic: "order.cancelled",
    group: INVENTORY_GROUP,
    handle: (event, signal) => services.releaseStock(event, signal),
  };
}
