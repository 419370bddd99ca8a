import { makeEvent, type DomainEvent } from "../../domain/events";
import type { Order } from "../../domain/order";
import type { Clock, IdGenerator, OutboxWriter, ProcessedEvents, UnitOfWork } from "../shared";
import { INVENTORY_CONSUMER, lockOrder, type StockChange, type StockLine } from "./reserve-stock";

export interface ReleaseStockRepos {
  processed: Pick<ProcessedEvents, "markProcessed">;
  orders: { lockById(orderId: string, signal?: AbortSignal): Promise<Order | null> };
  inventory: {
    /** Gives stock back, locking variant rows in ascending id order (the same order reserve uses). */
    release(orderId: string, lines: readonly StockLine[], signal?: AbortSignal): Promise<StockChange[]>;
  };
  outbox: OutboxWriter;
}

export type ReleaseOutcome = "released" | "nothing_reserved" | "duplicate";

/** order.cancelled → give back the stock the order held, exactly once. */
export function makeReleaseStock(deps: { uow: UnitOfWork<ReleaseStockRepos>; ids: IdGenerator; clock: Clock }) {
  return function releaseStock(event: DomainEvent<"order.cancelled">, signal?: AbortSignal): Promise<ReleaseOutcome> {
    return deps.uow.run(async ({ processed, orders, inventory, outbox }) => {
      if (!(await processed.markProcessed(INVENTORY_CONSUMER, event.id, signal))) return "duplicate";
      if (!event.payload.stockReserved) return "nothing_reserved";
      const order = await orders.lockById(event.payload.orderId, signal);
      if (!order) return "nothing_reserved";
      const changes = await inventory.release(order.id, lockOrder(order.lines), signal);
      await outbox.append(
        makeEvent("inventory.updated", {
          id: deps.ids.uuid(),
          aggregateType: "order",
          aggregateId: order.id,
          occurredAt: deps.clock.now(),
          payload: { reason: "release", orderId: order.id, changes },
        }),
        signal,
      );
      return "released";
    }, signal);
  };
}
