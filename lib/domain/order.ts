import type { ShippingAddress } from "./address";
import { AppError } from "./errors";
import type { Money } from "./money";
import type { OrderStatus } from "./order-status";
import type { OrderPayment } from "./payment";

export { ORDER_STATUSES, type OrderStatus } from "./order-status";

export const CANCELLATION_REASONS = ["out_of_stock", "customer_request", "payment_expired", "admin"] as const;
export type CancellationReason = (typeof CANCELLATION_REASONS)[number];

/**
 * The order status machine. Every status change in the system goes through
 * `transition`, so an impossible move (e.g. shipping an unpaid order) cannot
 * be written by any use case.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ["stock_reserved", "cancelled"],
  stock_reserved: ["paid", "cancelled"],
  paid: ["shipped", "cancelled"],
  shipped: ["completed"],
  completed: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) {
    throw new AppError("invalid_transition", `an order cannot go from ${from} to ${to}`);
  }
  return to;
}

/** Statuses in which an order holds reserved stock (a cancellation must give it back). */
export const HOLDS_STOCK: readonly OrderStatus[] = ["stock_reserved", "paid"];

/** A shopper may cancel until the order ships. */
export function shopperCanCancel(status: OrderStatus): boolean {
  return status === "pending" || HOLDS_STOCK.includes(status);
}

/** The moves the shop (an admin) makes by hand; the others are the shopper's or the worker's. */
const ADMIN_TARGETS: readonly OrderStatus[] = ["shipped", "completed", "cancelled"];

/**
 * What an admin may do with an order in `status`, as the state machine allows:
 * paid → shipped → completed, and cancelled at any point before it ships.
 */
export function adminTransitions(status: OrderStatus): OrderStatus[] {
  return TRANSITIONS[status].filter((to) => ADMIN_TARGETS.includes(to));
}

export function isTerminal(status: OrderStatus): boolean {
  return TRANSITIONS[status].length === 0;
}

export const ORDER_STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: "Pending",
  stock_reserved: "Stock reserved",
  paid: "Paid",
  shipped: "Shipped",
  completed: "Completed",
  cancelled: "Cancelled",
};

export const CANCELLATION_REASON_LABELS: Readonly<Record<CancellationReason, string>> = {
  out_of_stock: "Out of stock",
  customer_request: "Cancelled by you",
  payment_expired: "Payment window expired",
  admin: "Cancelled by the shop",
};

export interface OrderLine {
  readonly productId: string;
  /** The unit of stock the line reserves (ADR 016). */
  readonly variantId: string;
  readonly sku: string;
  readonly name: string;
  /** The variant's option values at order time ("Size: M / Wood: Oak"); "" without options. */
  readonly variantTitle: string;
  readonly unitPrice: Money;
  readonly quantity: number;
}

/** A line as events and rows carry it: the unit price as integer minor units (the order's currency is the order's). */
export function orderLineRecord(l: OrderLine) {
  return {
    productId: l.productId,
    variantId: l.variantId,
    sku: l.sku,
    name: l.name,
    variantTitle: l.variantTitle,
    unitPriceMinor: l.unitPrice.amountMinor,
    quantity: l.quantity,
  };
}

/** One entry of an order's timeline: every status change, when, and why. */
export interface OrderStatusChange {
  readonly status: OrderStatus;
  readonly reason: string | null;
  readonly at: Date;
  /** The admin who made the change; null when the shopper or the system did. */
  readonly actorId?: string | null;
}

/** How a timeline entry reads: "Cancelled by the shop", "Shipped — tracking 1Z999", "Paid". */
export function describeStatusChange(change: Pick<OrderStatusChange, "status" | "reason">): string {
  const label = ORDER_STATUS_LABELS[change.status];
  if (change.status === "cancelled" && change.reason && change.reason in CANCELLATION_REASON_LABELS) {
    const why = CANCELLATION_REASON_LABELS[change.reason as CancellationReason];
    // "Cancelled by the shop" says it all; "Out of stock" needs the status before it.
    return why.startsWith(label) ? why : `${label} — ${why}`;
  }
  if (change.status === "shipped" && change.reason) return `${label} — tracking ${change.reason}`;
  return label;
}

export interface Order {
  readonly id: string;
  readonly userId: string;
  readonly status: OrderStatus;
  readonly cancellationReason: CancellationReason | null;
  /** Prices as charged when the order was placed: total = subtotal + shipping. */
  readonly subtotal: Money;
  readonly shipping: Money;
  readonly total: Money;
  /** Null only on orders placed before the shop collected addresses. */
  readonly shipTo: ShippingAddress | null;
  readonly lines: readonly OrderLine[];
  readonly version: number;
  /** While stock is reserved and unpaid: when the reservation lapses. */
  readonly reservedUntil: Date | null;
  readonly paidAt: Date | null;
  /** A cancelled order whose charge is not yet all refunded owes the shopper money (derived: isRefundDue). */
  readonly refundDue: boolean;
  /** The order's money: charge, refunds, voids (derived from the payment rows). */
  readonly payment: OrderPayment;
  /** The carrier's reference, set when the order ships. */
  readonly trackingReference: string | null;
  readonly timeline: readonly OrderStatusChange[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What a status change writes besides the status; the repository records it in the timeline too. */
export interface StatusUpdate {
  readonly orderId: string;
  readonly from: OrderStatus;
  readonly to: OrderStatus;
  readonly expectedVersion: number;
  readonly cancellationReason?: CancellationReason;
  readonly reservedUntil?: Date | null;
  readonly paidAt?: Date;
  /** Free text for the timeline, e.g. the payment reference. */
  readonly note?: string;
  /** The admin making the change (recorded in the timeline); absent for the shopper or the system. */
  readonly actorId?: string;
  /** Set when the order ships. */
  readonly trackingReference?: string;
  /** When the change happened by the caller's clock: stored as updated_at, so what the caller answers is what a later read shows. */
  readonly at?: Date;
}
