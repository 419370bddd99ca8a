import type { EventHandler } from "../../lib/application/shared";
import type { Services } from "../../lib/composition/root";

/**
 * order.cancelled → give back the stock a cancelled order held. Its own group:
 * kafkajs's assigner expects every member of a group to subscribe to the same topics.
 */
export function releaseStockHandler(services: Services): EventHandler<"order.cancelled"> {
  return {
    topic: "order.cancelled",
    group: "storefront.inventory.order-cancelled",
    handle: (event, signal) => services.releaseStock(event, signal),
  };
}
