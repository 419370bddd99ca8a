import { AppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { transition, type Order, type StatusUpdate } from "../../domain/order";
import type { Money } from "../../domain/money";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";

export type AuthorizationResult = { ok: true; reference: string } | { ok: false; reason: string };

/** A card payment provider. Authorising twice with one idempotency key charges once. */
export interface PaymentProvider {
  authorize(
    request: { idempotencyKey: string; amount: Money; cardNumber: string; description: string },
    signal?: AbortSignal,
  ): Promise<AuthorizationResult>;
}

export interface PaymentAttempt {
  orderId: string;
  amountMinor: number;
  outcome: "authorized" | "declined";
  reason: string | null;
  reference: string | null;
  cardLast4: string;
  at: Date;
}

export interface PayOrderRepos {
  orders: {
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  payments: { record(attempt: PaymentAttempt, signal?: AbortSignal): Promise<void> };
  outbox: OutboxWriter;
}

export type PayOrderResult = { paid: true; order: Order } | { paid: false; reason: string };

const DECLINE_MESSAGES: Record<string, string> = {
  card_declined: "Your card was declined.",
  insufficient_funds: "Your card has insufficient funds.",
  invalid_card: "That card number is not valid.",
  expired_card: "Your card has expired.",
};

export function declineMessage(reason: string): string {
  return DECLINE_MESSAGES[reason] ?? "The payment did not go through.";
}

function payable(order: Order | null, userId: string, now: Date): Order {
  if (!order || order.userId !== userId) throw new AppError("not_found", "No such order");
  if (order.status === "paid") return order;
  if (order.status !== "stock_reserved") {
    throw new AppError(
      "invalid_transition",
      order.status === "pending" ? "We are still reserving your items; try again in a moment." : `An order that is ${order.status} cannot be paid.`,
    );
  }
  if (order.reservedUntil && order.reservedUntil <= now) {
    throw new AppError("invalid_transition", "The reservation for this order has expired.");
  }
  return order;
}

/**
 * Pays an order whose stock is reserved. The provider is called outside any
 * transaction (no row lock is held across a network call); the order is then
 * locked again and paid only if nothing changed meanwhile. The payment key
 * identifies one attempt (the form carries it), so a double click or a retry
 * after a timeout charges once, while a new attempt after a decline is a new
 * authorisation.
 */
export function makePayOrder(deps: { uow: UnitOfWork<PayOrderRepos>; provider: PaymentProvider; ids: IdGenerator; clock: Clock }) {
  return async function payOrder(input: { userId: string; email: string; orderId: string; cardNumber: string; paymentKey: string }, signal?: AbortSignal): Promise<PayOrderResult> {
    const before = await deps.uow.run(async ({ orders }) => payable(await orders.lockById(input.orderId, signal), input.userId, deps.clock.now()), signal);
    if (before.status === "paid") return { paid: true, order: before };

    const result = await deps.provider.authorize(
      {
        idempotencyKey: `${before.id}:${input.paymentKey}`,
        amount: before.total,
        cardNumber: input.cardNumber,
        description: `Order ${before.id}`,
      },
      signal,
    );

    return deps.uow.run(async ({ orders, payments, outbox }): Promise<PayOrderResult> => {
      const now = deps.clock.now();
      const attempt = {
        orderId: before.id,
        amountMinor: before.total.amountMinor,
        reason: result.ok ? null : result.reason,
        reference: result.ok ? result.reference : null,
        cardLast4: input.cardNumber.slice(-4),
        at: now,
      };
      if (!result.ok) {
        await payments.record({ ...attempt, outcome: "declined" }, signal);
        return { paid: false, reason: result.reason };
      }
      await payments.record({ ...attempt, outcome: "authorized" }, signal);
      const order = await orders.lockById(before.id, signal);
      // The same attempt submitted twice at once: the provider charged once and the other submission paid the order.
      if (order && order.status === "paid") return { paid: true, order };
      if (!order || order.version !== before.version || order.status !== "stock_reserved") {
        // Cancelled or expired while the card was being charged: the money is owed back.
        throw new AppError("conflict", "This order changed while it was being paid; the payment will be refunded.");
      }
      await orders.updateStatus(
        {
          orderId: order.id,
          from: order.status,
          to: transition(order.status, "paid"),
          expectedVersion: order.version,
          paidAt: now,
          reservedUntil: null,
          note: `payment ${result.reference}`,
        },
        signal,
      );
      await outbox.append(
        makeEvent("order.paid", {
          id: deps.ids.uuid(),
          aggregateType: "order",
          aggregateId: order.id,
          occurredAt: now,
          payload: {
            orderId: order.id,
            userId: order.userId,
            email: input.email,
            amountMinor: order.total.amountMinor,
            currency: order.total.currency,
          },
        }),
        signal,
      );
      return { paid: true, order: { ...order, status: "paid", paidAt: now, reservedUntil: null, version: order.version + 1 } };
    }, signal);
  };
}
