import { AppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { transition, type Order, type StatusUpdate } from "../../domain/order";
import type { PaymentState } from "../../domain/payment";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import { NEVER, type ChargeAnswer, type PaymentProvider } from "./payment-provider";

export interface PaymentAttempt {
  readonly id: string;
  readonly orderId: string;
  readonly state: PaymentState;
  /** The client's key for the attempt (form or Idempotency-Key). */
  readonly requestKey: string | null;
  readonly amountMinor: number;
  readonly reason: string | null;
  readonly reference: string | null;
  readonly cardLast4: string;
  readonly appliedAt: Date | null;
  readonly createdAt: Date;
}

/** The payment rows a pay transaction reads and writes (under the order's lock). */
export interface PaymentAttemptRepository {
  findByRequestKey(orderId: string, requestKey: string, signal?: AbortSignal): Promise<PaymentAttempt | null>;
  /** The order's attempt that is pending or charged, if any (at most one: a unique index). */
  findStanding(orderId: string, signal?: AbortSignal): Promise<PaymentAttempt | null>;
  findById(attemptId: string, signal?: AbortSignal): Promise<PaymentAttempt | null>;
  /** Declines since `since`, for this order and for all of this user's orders, with the oldest of each. */
  countDeclines(q: { orderId: string; userId: string; since: Date }, signal?: AbortSignal): Promise<{ order: DeclineCount; user: DeclineCount }>;
  insertPending(attempt: { id: string; orderId: string; requestKey: string; amountMinor: number; cardLast4: string; at: Date }, signal?: AbortSignal): Promise<void>;
  /** charged and not applied → applied at `at`; false when the attempt was not in that state. */
  markApplied(attemptId: string, at: Date, signal?: AbortSignal): Promise<boolean>;
  /** pending, or charged and not applied → void_pending, due at `dueAt`; false when it was neither. */
  markVoidPending(attemptId: string, why: string, at: Date, dueAt: Date, signal?: AbortSignal): Promise<boolean>;
}

export interface DeclineCount {
  count: number;
  oldest: Date | null;
}

/**
 * The processor's answers, each written on its own (autocommit), never inside
 * a transaction that a later conflict or an abandoned request could roll back.
 */
export interface PaymentAnswers {
  /** pending → charged; false when the attempt had already been given up on (it is then voided). */
  recordCharged(attemptId: string, reference: string, at: Date): Promise<boolean>;
  /** pending → declined. */
  recordDeclined(attemptId: string, reason: string, at: Date): Promise<boolean>;
  /** pending → void_pending: the answer is unknown, so any charge is voided. */
  markVoidPending(attemptId: string, why: string, at: Date, dueAt: Date): Promise<boolean>;
}

export interface PayOrderRepos {
  orders: {
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
    /** The email of the order's customer (for order.paid when the worker applies a charge). */
    customerEmail(orderId: string, signal?: AbortSignal): Promise<string>;
  };
  payments: PaymentAttemptRepository;
  outbox: OutboxWriter;
}

export type PayOrderResult = { paid: true; order: Order } | { paid: false; reason: string };

/**
 * How a payment request ended, for whoever counts them (makePayOrder's
 * onOutcome). Requests refused before any attempt is made (one already in
 * progress, too many declines, an order that cannot be paid) are not outcomes.
 *
 * - succeeded: charged, and the order is paid.
 * - declined: the processor declined the card.
 * - failed: the processor did not answer (timeout, error); any charge is reversed.
 * - not_applied: charged, but the order could no longer take it (cancelled,
 *   expired, the answer came too late); the charge is reversed.
 * - replayed: answered from an earlier attempt with the same key, or the order
 *   was already paid; the processor was not asked.
 */
export type PaymentOutcome = "succeeded" | "declined" | "failed" | "not_applied" | "replayed";

export interface PaymentLimits {
  /** Declines allowed per order, and per user over all orders, within windowMs. */
  declinesPerOrder: number;
  declinesPerUser: number;
  windowMs: number;
}

export const DEFAULT_PAYMENT_LIMITS: PaymentLimits = { declinesPerOrder: 5, declinesPerUser: 10, windowMs: 3_600_000 };

/**
 * A request that owes a void makes it itself; the worker takes the row only
 * after this lease, so the two do not call the processor at once (the keys
 * would make it harmless, but it is noise). Longer than a processor call may take.
 */
export const DEFAULT_PAYMENT_LEASE_MS = 30_000;

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

const IN_PROGRESS = "A payment for this order is already being processed; wait for its answer.";

/** What a request gets when its key names an attempt that already has an answer. */
function answerOf(attempt: PaymentAttempt, order: Order): PayOrderResult | "in_progress" {

  switch (attempt.state) {
    case "pending":
      return "in_progress";
    case "charged":
      return attempt.appliedAt ? { paid: true, order } : "in_progress";
    case "declined":
      return { paid: false, reason: attempt.reason ?? "card_declined" };
    case "void_pending":
    case "voided":
      break;
  }
  throw new AppError("conflict", "That payment attempt could not be completed and any charge is given back; pay again with a new attempt.");
}

/**
 * Applies a charged attempt to its order: the order becomes paid and order.paid
 * is written, or, when the order can no longer be paid (cancelled, expired,
 * changed), the attempt becomes void_pending so the charge is given back. Runs
 * under the order's lock; the lock is always taken before any payment row, in
 * every transaction, so payers, cancellers and the worker cannot deadlock.
 */
export function makeApplyCharge(deps: { uow: UnitOfWork<PayOrderRepos>; ids: IdGenerator; clock: Clock; leaseMs?: number }) {
  const leaseMs = deps.leaseMs ?? DEFAULT_PAYMENT_LEASE_MS;
  return function applyCharge(input: { attemptId: string; orderId: string; email: string | null }): Promise<{ applied: true; order: Order } | { applied: false; why: string }> {
    // Not the request's signal: once the processor has charged, the outcome is
    // recorded even if the shopper has gone.
    return deps.uow.run(async ({ orders, payments, outbox }) => {
      const now = deps.clock.now();
      const order = await orders.lockById(input.orderId);
      const attempt = await payments.findById(input.attemptId);
      if (!order || !attempt) throw new AppError("not_found", "No such payment");
      if (attempt.state === "charged" && attempt.appliedAt) return { applied: true, order };
      if (attempt.state !== "charged") return { applied: false, why: `the attempt is ${attempt.state}` };
      const expired = order.reservedUntil !== null && order.reservedUntil <= now;
      if (order.status !== "stock_reserved" || expired) {
        const why = expired && order.status === "stock_reserved" ? "the reservation expired" : `the order is ${order.status}`;
        await payments.markVoidPending(attempt.id, `not applied: ${why}`, now, new Date(now.getTime() + leaseMs));
        return { applied: false, why };
      }
      await orders.updateStatus({
        orderId: order.id,
        from: order.status,
        to: transition(order.status, "paid"),
        expectedVersion: order.version,
        paidAt: now,
        reservedUntil: null,
        note: `payment ${attempt.reference}`,
      });
      await payments.markApplied(attempt.id, now);
      const email = input.email ?? (await orders.customerEmail(order.id));
      await outbox.append(
        makeEvent("order.paid", {
          id: deps.ids.uuid(),
          aggregateType: "order",
          aggregateId: order.id,
          occurredAt: now,
          payload: { orderId: order.id, userId: order.userId, email, amountMinor: attempt.amountMinor, currency: order.total.currency },
        }),
      );
      return {
        applied: true,
        order: { ...order, status: "paid", paidAt: now, reservedUntil: null, version: order.version + 1, payment: { ...order.payment, chargedMinor: attempt.amountMinor, cardLast4: attempt.cardLast4, inFlight: false } },
      };
    });
  };
}

/**
 * Pays an order whose stock is reserved, charging the card at most once
 * whatever the number of concurrent requests, keys or web instances
 * (docs/decisions/011-payments-and-refunds.md):
 *
 * 1. Under the order's lock, refuse a second attempt while one is pending or
 *    charged (payment_in_progress; a unique index backs this), apply the
 *    decline limits, and commit a pending attempt: it exists before the
 *    processor is asked.
 * 2. Ask the processor, keyed by the attempt's id, with a timeout. From here on
 *    the request's signal no longer matters: the shopper leaving cannot lose a charge.
 * 3. Record the answer at once, on its own. An unknown answer (timeout, error)
 *    makes the attempt void_pending: the charge, if any, is voided.
 * 4. Apply the charge to the order (makeApplyCharge) or, if the order was
 *    cancelled or expired meanwhile, void it now; the worker retries voids that fail.
 */
export function makePayOrder(deps: {
  uow: UnitOfWork<PayOrderRepos>;
  answers: PaymentAnswers;
  provider: PaymentProvider;
  voidAttempt: (attempt: { attemptId: string; orderId: string }) => Promise<boolean>;
  ids: IdGenerator;
  clock: Clock;
  limits?: PaymentLimits;
  leaseMs?: number;
  /** Told how each request ended (the web counts payments with it). */
  onOutcome?: (outcome: PaymentOutcome) => void;
}) {
  const limits = deps.limits ?? DEFAULT_PAYMENT_LIMITS;
  const told = (outcome: PaymentOutcome) => deps.onOutcome?.(outcome);
  const leaseMs = deps.leaseMs ?? DEFAULT_PAYMENT_LEASE_MS;
  const applyCharge = makeApplyCharge(deps);
  return async function payOrder(
    input: { userId: string; email: string; orderId: string; cardNumber: string; paymentKey: string },
    signal?: AbortSignal,
  ): Promise<PayOrderResult> {
    const started = await deps.uow.run(async ({ orders, payments }) => {
      const now = deps.clock.now();
      const order = payable(await orders.lockById(input.orderId, signal), input.userId, now);
      const earlier = await payments.findByRequestKey(order.id, input.paymentKey, signal);
      if (earlier) {
        const answer = answerOf(earlier, order);
        if (answer === "in_progress") throw new AppError("payment_in_progress", IN_PROGRESS);
        return { started: false as const, answer };
      }
      if (order.status === "paid") return { started: false as const, answer: { paid: true as const, order } };
      if (await payments.findStanding(order.id, signal)) throw new AppError("payment_in_progress", IN_PROGRESS);

      const since = new Date(now.getTime() - limits.windowMs);
      const declines = await payments.countDeclines({ orderId: order.id, userId: input.userId, since }, signal);
      const full = declines.order.count >= limits.declinesPerOrder ? declines.order : declines.user.count >= limits.declinesPerUser ? declines.user : null;
      if (full) {
        const retryAt = (full.oldest?.getTime() ?? now.getTime()) + limits.windowMs;
        throw new AppError("rate_limited", "Too many declined payments; wait before trying again.", {
          retryAfterSeconds: Math.max(1, Math.ceil((retryAt - now.getTime()) / 1000)),
        });
      }
      const attemptId = deps.ids.uuid();
      await payments.insertPending(
        { id: attemptId, orderId: order.id, requestKey: input.paymentKey, amountMinor: order.total.amountMinor, cardLast4: input.cardNumber.slice(-4), at: now },
        signal,
      );
      return { started: true as const, attemptId, order };
    }, signal);
    if (!started.started) {
      told("replayed");
      return started.answer;
    }
    const { attemptId, order } = started;

    let answer: ChargeAnswer | { unknown: unknown };
    try {
      answer = await deps.provider.charge(
        { key: attemptId, orderId: order.id, amount: order.total, cardNumber: input.cardNumber, description: `Order ${order.id}` },
        NEVER,
      );
    } catch (error) {
      answer = { unknown: error };
    }

    const now = deps.clock.now();
    // Each outcome is told once it is known, before the writes that follow it.
    if ("unknown" in answer) {
      told("failed");
      await deps.answers.markVoidPending(attemptId, `no answer: ${String((answer.unknown as Error)?.message ?? answer.unknown)}`.slice(0, 300), now, new Date(now.getTime() + leaseMs));
      const voided = await deps.voidAttempt({ attemptId, orderId: order.id });
      throw new AppError(
        "unavailable",
        voided
          ? "The card processor did not confirm the payment; any charge was reversed. Please try again."
          : "The card processor did not confirm the payment; any charge will be reversed. Please try again.",
        { cause: answer.unknown },
      );
    }
    if (!answer.ok) {
      told("declined");
      await deps.answers.recordDeclined(attemptId, answer.reason, now);
      return { paid: false, reason: answer.reason };
    }
    if (!(await deps.answers.recordCharged(attemptId, answer.reference, now))) {
      // The worker gave up waiting for this answer and is voiding the attempt.
      told("not_applied");
      await deps.voidAttempt({ attemptId, orderId: order.id });
      throw new AppError("conflict", "The payment took too long and was reversed; nothing is charged. Please try again.");
    }
    const applied = await applyCharge({ attemptId, orderId: order.id, email: input.email });
    if (applied.applied) {
      told("succeeded");
      return { paid: true, order: applied.order };
    }
    told("not_applied");
    const voided = await deps.voidAttempt({ attemptId, orderId: order.id });
    throw new AppError(
      "conflict",
      `This order could not be paid because ${applied.why} while your card was being charged; the charge ${voided ? "was reversed" : "will be reversed"}.`,
    );
  };
}
