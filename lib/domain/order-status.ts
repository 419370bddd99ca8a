/** An order's statuses, in their own module: order.ts and payment.ts both need them, and order.ts needs payment.ts. */
export const ORDER_STATUSES = ["pending", "stock_reserved", "paid", "shipped", "completed", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
