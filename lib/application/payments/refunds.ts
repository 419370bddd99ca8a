import { AppError } from "../../domain/errors";
import { formatMoney } from "../../domain/money";
import type { Order } from "../../domain/order";
import { refundableMinor, type OrderPayment, type RefundEntry, type RefundReason } from "../../domain/payment";
import { requireAdmin, type Actor } from "../admin/access";
import type { Clock, IdGenerator, UnitOfWork } from "../shared";
import { DEFAULT_PAYMENT_LEASE_MS, type PaymentAttempt } from "./pay-order";

export interface NewRefund {
  id: string;
  orderId: string;
  attemptId: string;
  amountMinor: number;
  reason: RefundReason;
  actorId: string | null;
  requestKey: string | null;
  at: Date;
  /** When the worker may take it: now for cancellations, after a lease when a request makes the call itself. */
  dueAt: Date;
}

/** Refund rows, written under the order's lock. */
export interface RefundRepository {
  findByRequestKey(orderId: string, requestKey: string, signal?: AbortSignal): Promise<RefundEntry | null>;
  insert(refund: NewRefund, signal?: AbortSignal): Promise<void>;
}

export interface RefundRepos {
  orders: { lockById(orderId: string, signal?: AbortSignal): Promise<Order | null> };
  payments: { findApplied(orderId: string, signal?: AbortSignal): Promise<PaymentAttempt | null> };
  refunds: RefundRepository;
}


/**
 * A cancelled order gives back what is left of its charge. Called in the
 * cancelling transaction, under the order's lock; the worker makes the
 * refund (it is due at once) and retries it until the processor confirms.
 */
export async function openCancellationRefund(
  repos: Pick<RefundRepos, "payments" | "refunds">,
  order: Order,
  ids: IdGenerator,
  now: Date,
  actorId: string | null,
  signal?: AbortSignal,
): Promise<OrderPayment> {
  const left = refundableMinor(order.payment);
  if (left <= 0) return order.payment;
  const charge = await repos.payments.findApplied(order.id, signal);
  if (!charge) throw new AppError("internal", `order ${order.id} holds ${left} but has no applied charge`);
  const id = ids.uuid();
  await repos.refunds.insert(
    { id, orderId: order.id, attemptId: charge.id, amountMinor: left, reason: "cancellation", actorId, requestKey: null, at: now, dueAt: now },
    signal,
  );
  return {
    ...order.payment,
    refundingMinor: order.payment.refundingMinor + left,
    refunds: [...order.payment.refunds, { id, amount: { amountMinor: left, currency: order.total.currency }, state: "pending", reason: "cancellation", at: now }],
  };
}

/**
 * An admin gives back part or all of a paid order's charge. The amount is
 * checked against what is left under the order's lock, so concurrent refunds
 * can never together exceed the charge; the refund row is committed before
 * the processor is asked, then made at once (the worker retries a failure).
 */
export function makeRefundOrder(deps: {
  uow: UnitOfWork<RefundRepos>;
  performRefund: (refundId: string) => Promise<RefundEntry | null>;
  ids: IdGenerator;
  clock: Clock;
  /** How long the request holds its refund before the worker may retry it (see DEFAULT_PAYMENT_LEASE_MS). */
  leaseMs?: number;
}) {
  const leaseMs = deps.leaseMs ?? DEFAULT_PAYMENT_LEASE_MS;
  return async function refundOrder(
    actor: Actor | null,
    input: { orderId: string; amountMinor: number; requestKey: string },
    signal?: AbortSignal,
  ): Promise<RefundEntry> {
    const admin = requireAdmin(actor);
    if (!Number.isSafeInteger(input.amountMinor) || input.amountMinor <= 0) {
      throw new AppError("validation", "Enter an amount above zero.", { fields: [{ path: "amountMinor", message: "Enter an amount above zero." }] });
    }
    const opened = await deps.uow.run(async ({ orders, payments, refunds }) => {
      const order = await orders.lockById(input.orderId, signal);
      if (!order) throw new AppError("not_found", "No such order");
      const earlier = await refunds.findByRequestKey(order.id, input.requestKey, signal);
      if (earlier) return { refund: earlier, fresh: false };
      const charge = await payments.findApplied(order.id, signal);
      if (!charge) throw new AppError("invalid_transition", "This order has not been paid; there is nothing to refund.");
      const left = refundableMinor(order.payment);
      if (input.amountMinor > left) {
        const message =
          left === 0 ? "This order's payment has been refunded in full." : `At most ${formatMoney({ amountMinor: left, currency: order.total.currency })} is left to refund.`;
        throw new AppError("validation", message, { fields: [{ path: "amountMinor", message }] });
      }
      const now = deps.clock.now();
      const refund: RefundEntry = { id: deps.ids.uuid(), amount: { amountMinor: input.amountMinor, currency: order.total.currency }, state: "pending", reason: "admin", at: now };
      await refunds.insert(
        {
          id: refund.id,
          orderId: order.id,
          attemptId: charge.id,
          amountMinor: input.amountMinor,
          reason: "admin",
          actorId: admin.id,
          requestKey: input.requestKey,
          at: now,
          dueAt: new Date(now.getTime() + leaseMs),
        },
        signal,
      );
      return { refund, fresh: true };
    }, signal);
    if (!opened.fresh || opened.refund.state === "succeeded") return opened.refund;
    // Not the request's signal: the refund is committed and is made even if the admin leaves.
    return (await deps.performRefund(opened.refund.id)) ?? opened.refund;
  };
}
