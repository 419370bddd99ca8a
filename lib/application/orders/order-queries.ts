import { AppError } from "../../domain/errors";
import type { Order } from "../../domain/order";

/** Where a page of a user's orders (newest first) continues: after this order. */
export interface OrderPageCursor {
  readonly createdAt: Date;
  readonly id: string;
}

export interface OrderReader {
  findById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
  listForUser(userId: string, limit: number, signal?: AbortSignal): Promise<Order[]>;
  /**
   * The user's orders newest first (created_at, then id, both descending),
   * strictly after `after` when given: a keyset, so orders placed meanwhile
   * neither shift nor repeat the later pages.
   */
  listForUserAfter(userId: string, after: OrderPageCursor | null, limit: number, signal?: AbortSignal): Promise<Order[]>;
}

export const ORDER_PAGE_MAX = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque cursor (base64url of the last order's creation time and id). */
export function encodeOrderCursor(cursor: OrderPageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, "utf8").toString("base64url");
}

/** The cursor, or null when the text is not one this shop made. */
export function decodeOrderCursor(text: string): OrderPageCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  const parts = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (parts.length !== 2) return null;
  const [at, id] = parts as [string, string];
  if (!UUID.test(id) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(at)) return null;
  const createdAt = new Date(at);
  return Number.isNaN(createdAt.getTime()) ? null : { createdAt, id: id.toLowerCase() };
}

export interface OrderPage {
  readonly items: Order[];
  /** Cursor of the next page, or null on the last one. */
  readonly next: string | null;
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
    /** One page of the user's own orders, newest first, and the cursor of the next page. */
    async pageForUser(userId: string, input: { limit: number; cursor?: string }, signal?: AbortSignal): Promise<OrderPage> {
      if (!Number.isSafeInteger(input.limit) || input.limit < 1 || input.limit > ORDER_PAGE_MAX) {
        throw new AppError("validation", `limit must be a whole number from 1 to ${ORDER_PAGE_MAX}`, { fields: [{ path: "limit", message: "Invalid limit" }] });
      }
      let after: OrderPageCursor | null = null;
      if (input.cursor !== undefined) {
        after = decodeOrderCursor(input.cursor);
        if (!after) throw new AppError("validation", "This cursor is not valid; start from the first page.", { fields: [{ path: "cursor", message: "Not a valid cursor" }] });
      }
      // One more than asked: whether it exists says if there is a next page.
      const rows = await deps.orders.listForUserAfter(userId, after, input.limit + 1, signal);
      const items = rows.slice(0, input.limit);
      const last = items.at(-1);
      return { items, next: rows.length > input.limit && last ? encodeOrderCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },
  };
}
