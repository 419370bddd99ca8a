import type { EventHandler } from "../../lib/application/shared";
import type { WorkerServices } from "../../lib/composition/worker-services";
import { INVENTORY_GROUP } from "./groups";

/** order.created → reserve stock for every line, or cancel the order as out of stock. A backlog goes in batches, one transaction each. */
export function reserveStockHandler({ reserveStock, reserveStockBatch }: Pick<WorkerServices, "reserveStock" | "reserveStockBatch">): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: INVENTORY_GROUP,
    handle: (event, signal) => reserveStock(event, signal),
    handleBatch: (events, signal) => reserveStockBatch(events, signal),
  };
}
