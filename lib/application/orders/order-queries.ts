import { AppError } from "../../domain/errors";
import type { Order } from "../../domain/order";

export interface OrderReader {
  findById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
  listForUser(userId: string, limit: number, signal?: AbortSignal): Promise<Order[]>;
}

export function makeOrderQueries(deps: { orders: OrderReader }) {
  return {
    /** Another user's order is "not found", never "forbidden": its existence is not revealed. */
    async getForUser(userId: string, orderId: string, signal?: AbortSignal): Promise<Order> {
      const order = await deps.orders.findById(orderId, signal);
      if (!order || order.userId !== userId) throw new AppError("not_found", "No such order");
      return order;
    },
    listForUser(userId: string, signal?: AbortSignal): Promise<Order[]> {
      return deps.orders.listForUser(userId, 50, signal);
    },
  };
}
