import type { EventHandler } from "../../lib/application/shared";
import type { Services } from "../../lib/composition/root";

/** order.created → reserve stock for every line, or cancel the order as out of stock. */
export function reserveStockHandler(services: Services): EventHandler<"order.created"> {
  return {
    topic: "order.created",
    group: "storefront.inventory.order-created",
    handle: (event, signal) => services.reserveStock(event, signal),
  };
}
