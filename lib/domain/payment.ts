import type { Money } from "./money";
import type { OrderStatus } from "./order-status";

/**
 * A payment attempt's life (see docs/decisions/011-payments-and-refunds.md):
 * pending → charged | declined | void_pending; charged (not applied) → void_pending;
 * void_pending → voided. An order has at most one attempt that is pending or
 * charged: the database's partial unique index says so.
 */
export const PAYMENT_STATES = ["pending", "charged", "declined", "void_pending", "voided"] as const;
export type PaymentState = (typeof PAYMENT_STATES)[number];

export const PAYMENT_STATE_LABELS: Readonly<Record<PaymentState, string>> = {
  pending: "In progress",
  charged: "Charged",
  declined: "Declined",
  void_pending: "Being voided",
  voided: "Voided",
};

export const REFUND_STATES = ["pending", "succeeded"] as const;
export type RefundState = (typeof REFUND_STATES)[number];

/** Why money goes back: an admin decided, or the order was cancelled after it was paid. */
export const REFUND_REASONS = ["admin", "cancellation"] as const;
export type RefundReason = (typeof REFUND_REASONS)[number];

export interface RefundEntry {
  readonly id: string;
  readonly amount: Money;
  readonly state: RefundState;
  readonly reason: RefundReason;
  readonly at: Date;
}

/**
 * What an order's money looks like: the charge that paid it, what was given
 * back or is being given back, and charges that could not be applied and are
 * owed back (voids). Derived from the payment and refund rows, never stored.
 */
export interface OrderPayment {
  /** The charge applied to the order (0 when unpaid). */
  readonly chargedMinor: number;
  readonly cardLast4: string | null;
  /** Refunds the processor confirmed. */
  readonly refundedMinor: number;
  /** Refunds asked for and not yet confirmed. */
  readonly refundingMinor: number;
  /** Charges the order could not keep (cancelled or expired while paying), not yet voided. */
  readonly voidingMinor: number;
  /** Charges that were voided. */
  readonly voidedMinor: number;
  readonly refunds: readonly RefundEntry[];
  /** A payment attempt is with the processor or not yet applied: its answer is moments away. */
  readonly inFlight: boolean;
}

export const NO_PAYMENT: OrderPayment = {
  chargedMinor: 0,
  cardLast4: null,
  refundedMinor: 0,
  refundingMinor: 0,
  voidingMinor: 0,
  voidedMinor: 0,
  refunds: [],
  inFlight: false,
};

/** What can still be refunded: charged minus refunds made or under way. */
export function refundableMinor(payment: OrderPayment): number {
  return payment.chargedMinor - payment.refundedMinor - payment.refundingMinor;
}

/** A cancelled order whose charge is not yet fully refunded owes the shopper money. */
export function isRefundDue(status: OrderStatus, payment: OrderPayment): boolean {
  return status === "cancelled" && payment.chargedMinor - payment.refundedMinor > 0;
}

/** Where the processor's books and the shop's disagree about one order's money. */
export interface ReconciliationDifference {
  readonly orderId: string;
  /** What the shop's records say it holds: charges (applied, or still to void) minus confirmed refunds. */
  readonly shopMinor: number;
  /** What the processor says it holds: charged − voided − refunded. */
  readonly processorMinor: number;
}
