import type { EventHandler } from "../../lib/application/shared";
import { INVENTORY_GROUP } from "./groups";
import type { Services } from "../../lib/composition/root";

/** order.created → reserve stock for every line, or cancel the order as out of stock. A backlog goes in batches, one transaction each. */
export function reserveStockHandler(services: Services): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: INVENTORY_GROUP,
    handle: (event, signal) => services.reserveStock(event, signal),
    handleBatch: (events, signal) => services.reserveStockBatch(events, signal),
  };
}
