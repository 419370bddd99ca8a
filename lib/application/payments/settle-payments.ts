import { makeEvent } from "../../domain/events";
import type { RefundEntry, RefundReason } from "../../domain/payment";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import { NEVER, type PaymentProvider } from "./payment-provider";

/** A void or refund still to make, as the worker claims it. */
export interface DueVoid {
  readonly attemptId: string;
  readonly orderId: string;
  /** Calls made so far (for the backoff). */
  readonly retries?: number;
}

export interface DueRefund {
  readonly refundId: string;
  readonly orderId: string;
  readonly attemptId: string;
  readonly amountMinor: number;
  readonly currency: string;
  readonly retries?: number;
}

/**
 * The payment work queues, outside any transaction. Claims move the row's
 * next_attempt_at forward by a lease (FOR UPDATE SKIP LOCKED), so two workers
 * never make the same call at once, and a worker killed mid-call only delays
 * the retry until the lease ends; the processor's keys make a repeat harmless.
 */
export interface PaymentWorkQueue {
  /** Pending attempts older than `before` (their request died or never recorded an answer) → void_pending, due now. */
  abandonPending(before: Date, now: Date, limit: number, signal?: AbortSignal): Promise<number>;
  /** Charged attempts never applied to their order, older than `before`. */
  unappliedCharges(before: Date, limit: number, signal?: AbortSignal): Promise<DueVoid[]>;
  claimVoids(now: Date, leaseUntil: Date, limit: number, signal?: AbortSignal): Promise<DueVoid[]>;
  findVoid(attemptId: string, signal?: AbortSignal): Promise<DueVoid | null>;
  /** void_pending → voided. */
  recordVoided(attemptId: string, at: Date): Promise<boolean>;
  recordVoidFailed(attemptId: string, error: string, retryAt: Date): Promise<void>;
  claimRefunds(now: Date, leaseUntil: Date, limit: number, signal?: AbortSignal): Promise<DueRefund[]>;
  findPendingRefund(refundId: string, signal?: AbortSignal): Promise<DueRefund | null>;
  recordRefundFailed(refundId: string, error: string, retryAt: Date): Promise<void>;
}

export interface RefundRecordRepos {
  refunds: {
    /** pending → succeeded with the processor's reference; what order.refunded needs, or null when it was not pending. */
    markSucceeded(refundId: string, reference: string, at: Date): Promise<SucceededRefund | null>;
  };
  outbox: OutboxWriter;
}

export interface SucceededRefund {
  readonly refund: RefundEntry;
  readonly orderId: string;
  readonly userId: string;
  readonly email: string;
  /** All confirmed refunds of the order, this one included, and the charge. */
  readonly refundedMinor: number;
  readonly chargedMinor: number;
}

export interface SettleCounts {
  abandoned: number;
  applied: number;
  voided: number;
  voidFailures: number;
  refunded: number;
  refundFailures: number;
}

/** Jittered exponential backoff from 1 s, capped at 5 minutes. */
export function retryDelayMs(retries: number): number {
  const cap = Math.min(300_000, 1_000 * 2 ** Math.min(retries, 12));
  return cap / 2 + Math.random() * (cap / 2);
}


/**
 * Gives money back and finishes what a request left half done: voids charges
 * an order could not keep, makes refunds, gives up on attempts whose request
 * died before the processor's answer was recorded (voiding them: the void
 * also bars a charge that arrives later), and applies or voids charges that
 * were recorded but never applied. Used inline by requests (voidAttempt,
 * performRefund) and in rounds by the worker (settle).
 */
export function makeSettlePayments(deps: {
  queue: PaymentWorkQueue;
  uow: UnitOfWork<RefundRecordRepos>;
  provider: PaymentProvider;
  applyCharge: (input: { attemptId: string; orderId: string; email: null }) => Promise<{ applied: boolean }>;
  ids: IdGenerator;
  clock: Clock;
  /** An attempt pending this long has lost its request (longer than any processor call may take). */
  abandonAfterMs: number;
  /** How long a claimed void or refund is the claimer's before another worker may retry it. */
  leaseMs: number;
  onError?: (what: string, error: unknown) => void;
}) {
  const later = (retries: number) => new Date(deps.clock.now().getTime() + retryDelayMs(retries));

  async function voidOne(due: DueVoid, retries = 0): Promise<boolean> {
    try {
      await deps.provider.void({ key: `void-${due.attemptId}`, chargeKey: due.attemptId, orderId: due.orderId }, NEVER);
    } catch (error) {
      deps.onError?.(`void of payment ${due.attemptId} (order ${due.orderId})`, error);
      await deps.queue.recordVoidFailed(due.attemptId, describe(error), later(retries));
      return false;
    }
    return deps.queue.recordVoided(due.attemptId, deps.clock.now());
  }

  async function refundOne(due: DueRefund, retries = 0): Promise<RefundEntry | null> {
    let reference: string;
    try {
      ({ reference } = await deps.provider.refund(
        { key: due.refundId, chargeKey: due.attemptId, orderId: due.orderId, amount: { amountMinor: due.amountMinor, currency: due.currency } },
        NEVER,
      ));
    } catch (error) {
      deps.onError?.(`refund ${due.refundId} (order ${due.orderId})`, error);
      await deps.queue.recordRefundFailed(due.refundId, describe(error), later(retries));
      return null;
    }
    return deps.uow.run(async ({ refunds, outbox }) => {
      const now = deps.clock.now();
      const done = await refunds.markSucceeded(due.refundId, reference, now);
      if (!done) return null;
      await outbox.append(
        makeEvent("order.refunded", {
          id: deps.ids.uuid(),
          aggregateType: "order",
          aggregateId: done.orderId,
          occurredAt: now,
          payload: {
            orderId: done.orderId,
            userId: done.userId,
            email: done.email,
            refundId: done.refund.id,
            amountMinor: done.refund.amount.amountMinor,
            currency: done.refund.amount.currency,
            refundedMinor: done.refundedMinor,
            chargedMinor: done.chargedMinor,
            reason: done.refund.reason satisfies RefundReason,
          },
        }),
      );
      return done.refund;
    });
  }

  return {
    /** Voids one attempt now (a request that could not apply its charge); false leaves it to the worker. */
    async voidAttempt(attempt: { attemptId: string; orderId: string }): Promise<boolean> {
      return voidOne(attempt);
    },

    /** Makes one pending refund now; null when it failed (the worker retries) or was already made. */
    async performRefund(refundId: string): Promise<RefundEntry | null> {
      const due = await deps.queue.findPendingRefund(refundId);
      return due ? refundOne(due) : null;
    },

    /** One worker round over at most `limit` rows of each queue. */
    async settle(limit: number, signal?: AbortSignal): Promise<SettleCounts> {
      const counts: SettleCounts = { abandoned: 0, applied: 0, voided: 0, voidFailures: 0, refunded: 0, refundFailures: 0 };
      const now = deps.clock.now();
      const before = new Date(now.getTime() - deps.abandonAfterMs);
      counts.abandoned = await deps.queue.abandonPending(before, now, limit, signal);
      for (const charge of await deps.queue.unappliedCharges(before, limit, signal)) {
        if (signal?.aborted) return counts;
        // Applied if the order can still take it, otherwise it becomes a void (due at once below).
        if ((await deps.applyCharge({ ...charge, email: null })).applied) counts.applied++;
      }
      const leaseUntil = new Date(deps.clock.now().getTime() + deps.leaseMs);
      for (const due of await deps.queue.claimVoids(deps.clock.now(), leaseUntil, limit, signal)) {
        if (signal?.aborted) return counts;
        if (await voidOne(due, due.retries ?? 0)) counts.voided++;
        else counts.voidFailures++;
      }
      for (const due of await deps.queue.claimRefunds(deps.clock.now(), leaseUntil, limit, signal)) {
        if (signal?.aborted) return counts;
        if (await refundOne(due, due.retries ?? 0)) counts.refunded++;
        else counts.refundFailures++;
      }
      return counts;
    },
  };
}

function describe(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 300);
}
