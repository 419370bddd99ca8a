import type { DeclineCount, PaymentAnswers, PaymentAttempt, PaymentAttemptRepository } from "../../application/payments/pay-order";
import type { ShopPaymentBooks } from "../../application/payments/reconcile-payments";
import type { NewRefund, RefundRepository } from "../../application/payments/refunds";
import type { DueRefund, DueVoid, PaymentWorkQueue, SucceededRefund } from "../../application/payments/settle-payments";
import { AppError } from "../../domain/errors";
import type { RefundEntry, RefundReason } from "../../domain/payment";
import { isUniqueViolation, mapDbError } from "./errors";
import type { Db } from "./prisma-client";

const attemptSelect = {
  id: true,
  orderId: true,
  state: true,
  requestKey: true,
  amountMinor: true,
  reason: true,
  reference: true,
  cardLast4: true,
  appliedAt: true,
  createdAt: true,
} as const;

/** Payment attempts inside a transaction that holds the order's lock. */
export class PrismaPaymentRepository implements PaymentAttemptRepository {
  constructor(private readonly db: Db) {}

  findByRequestKey(orderId: string, requestKey: string): Promise<PaymentAttempt | null> {
    return this.db.paymentAttempt.findUnique({ where: { orderId_requestKey: { orderId, requestKey } }, select: attemptSelect });
  }

  findStanding(orderId: string): Promise<PaymentAttempt | null> {
    return this.db.paymentAttempt.findFirst({ where: { orderId, state: { in: ["pending", "charged"] } }, select: attemptSelect });
  }

  findApplied(orderId: string): Promise<PaymentAttempt | null> {
    return this.db.paymentAttempt.findFirst({ where: { orderId, state: "charged", appliedAt: { not: null } }, select: attemptSelect });
  }

  findById(attemptId: string): Promise<PaymentAttempt | null> {
    return this.db.paymentAttempt.findUnique({ where: { id: attemptId }, select: attemptSelect });
  }

  async countDeclines(q: { orderId: string; userId: string; since: Date }): Promise<{ order: DeclineCount; user: DeclineCount }> {
    const rows = await this.db.$queryRaw<{ order_count: bigint; order_oldest: Date | null; user_count: bigint; user_oldest: Date | null }[]>`
      SELECT count(*) FILTER (WHERE a.order_id = ${q.orderId}::uuid) AS order_count,
             min(a.created_at) FILTER (WHERE a.order_id = ${q.orderId}::uuid) AS order_oldest,
             count(*) AS user_count,
             min(a.created_at) AS user_oldest
      FROM payment_attempts a JOIN orders o ON o.id = a.order_id
      WHERE a.state = 'declined' AND a.created_at > ${q.since} AND o.user_id = ${q.userId}::uuid`;
    const r = rows[0]!;
    return { order: { count: Number(r.order_count), oldest: r.order_oldest }, user: { count: Number(r.user_count), oldest: r.user_oldest } };
  }

  async insertPending(attempt: { id: string; orderId: string; requestKey: string; amountMinor: number; cardLast4: string; at: Date }): Promise<void> {
    try {
      await this.db.paymentAttempt.create({
        data: {
          id: attempt.id,
          orderId: attempt.orderId,
          requestKey: attempt.requestKey,
          amountMinor: attempt.amountMinor,
          cardLast4: attempt.cardLast4,
          state: "pending",
          createdAt: attempt.at,
          updatedAt: attempt.at,
        },
        select: { id: true },
      });
    } catch (error) {
      // The order's lock serialises payers; the index is the last line should anything skip it.
      if (isUniqueViolation(error)) throw new AppError("payment_in_progress", "A payment for this order is already being processed.", { cause: error });
      mapDbError(error, "record payment attempt");
    }
  }

  async markApplied(attemptId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.paymentAttempt.updateMany({
      where: { id: attemptId, state: "charged", appliedAt: null },
      data: { appliedAt: at, updatedAt: at },
    });
    return count === 1;
  }

  markVoidPending(attemptId: string, why: string, at: Date, dueAt: Date): Promise<boolean> {
    return markVoidPending(this.db, attemptId, why, at, dueAt);
  }
}

function markVoidPending(db: Db, attemptId: string, why: string, at: Date, dueAt: Date): Promise<boolean> {
  return db.paymentAttempt
    .updateMany({
      where: { id: attemptId, OR: [{ state: "pending" }, { state: "charged", appliedAt: null }] },
      data: { state: "void_pending", lastError: why.slice(0, 300), nextAttemptAt: dueAt, updatedAt: at },
    })
    .then((r) => r.count === 1);
}

/** Refund rows inside a transaction. */
export class PrismaRefundRepository implements RefundRepository {
  constructor(private readonly db: Db) {}

  async findByRequestKey(orderId: string, requestKey: string): Promise<RefundEntry | null> {
    const row = await this.db.refund.findUnique({
      where: { orderId_requestKey: { orderId, requestKey } },
      select: { id: true, amountMinor: true, state: true, reason: true, createdAt: true, order: { select: { currency: true } } },
    });
    return row ? toRefundEntry(row, row.order.currency) : null;
  }

  async insert(refund: NewRefund): Promise<void> {
    try {
      await this.db.refund.create({
        data: {
          id: refund.id,
          orderId: refund.orderId,
          attemptId: refund.attemptId,
          amountMinor: refund.amountMinor,
          state: "pending",
          reason: refund.reason,
          actorId: refund.actorId,
          requestKey: refund.requestKey,
          nextAttemptAt: refund.dueAt,
          createdAt: refund.at,
          updatedAt: refund.at,
        },
        select: { id: true },
      });
    } catch (error) {
      mapDbError(error, "record refund");
    }
  }

  /** pending → succeeded; with what order.refunded tells the shopper. The order row is locked first (lock order: order, then payment rows). */
  async markSucceeded(refundId: string, reference: string, at: Date): Promise<SucceededRefund | null> {
    const target = await this.db.refund.findUnique({ where: { id: refundId }, select: { orderId: true } });
    if (!target) return null;
    await this.db.$queryRaw`SELECT id FROM orders WHERE id = ${target.orderId}::uuid FOR UPDATE`;
    const { count } = await this.db.refund.updateMany({ where: { id: refundId, state: "pending" }, data: { state: "succeeded", reference, updatedAt: at, nextAttemptAt: null } });
    if (count !== 1) return null;
    const row = await this.db.refund.findUniqueOrThrow({
      where: { id: refundId },
      select: {
        id: true,
        amountMinor: true,
        state: true,
        reason: true,
        createdAt: true,
        order: {
          select: {
            id: true,
            userId: true,
            currency: true,
            user: { select: { email: true } },
            refunds: { where: { state: "succeeded" }, select: { amountMinor: true } },
            paymentAttempts: { where: { state: "charged", appliedAt: { not: null } }, select: { amountMinor: true } },
          },
        },
      },
    });
    return {
      refund: toRefundEntry(row, row.order.currency),
      orderId: row.order.id,
      userId: row.order.userId,
      email: row.order.user.email,
      refundedMinor: row.order.refunds.reduce((n, r) => n + r.amountMinor, 0),
      chargedMinor: row.order.paymentAttempts.reduce((n, r) => n + r.amountMinor, 0),
    };
  }
}

function toRefundEntry(row: { id: string; amountMinor: number; state: "pending" | "succeeded"; reason: string; createdAt: Date }, currency: string): RefundEntry {
  return { id: row.id, amount: { amountMinor: row.amountMinor, currency }, state: row.state, reason: row.reason as RefundReason, at: row.createdAt };
}

/**
 * The processor's answers and the worker's queues, each statement committing
 * on its own: an answer is on disk before anything else can fail.
 */
export class PrismaPaymentWorkQueue implements PaymentAnswers, PaymentWorkQueue, ShopPaymentBooks {
  constructor(private readonly db: Db) {}

  async recordCharged(attemptId: string, reference: string, at: Date): Promise<boolean> {
    const { count } = await this.db.paymentAttempt.updateMany({ where: { id: attemptId, state: "pending" }, data: { state: "charged", reference, updatedAt: at } });
    return count === 1;
  }

  async recordDeclined(attemptId: string, reason: string, at: Date): Promise<boolean> {
    const { count } = await this.db.paymentAttempt.updateMany({ where: { id: attemptId, state: "pending" }, data: { state: "declined", reason: reason.slice(0, 64), updatedAt: at } });
    return count === 1;
  }

  markVoidPending(attemptId: string, why: string, at: Date, dueAt: Date): Promise<boolean> {
    return markVoidPending(this.db, attemptId, why, at, dueAt);
  }

  async abandonPending(before: Date, now: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      UPDATE payment_attempts SET state = 'void_pending', next_attempt_at = ${now}, updated_at = ${now},
             last_error = 'no answer recorded: the request that asked the processor is gone'
      WHERE id IN (SELECT id FROM payment_attempts WHERE state = 'pending' AND created_at < ${before}
                   ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        AND state = 'pending'`;
  }

  async unappliedCharges(before: Date, limit: number): Promise<DueVoid[]> {
    const rows = await this.db.paymentAttempt.findMany({
      where: { state: "charged", appliedAt: null, updatedAt: { lt: before } },
      select: { id: true, orderId: true },
      orderBy: { updatedAt: "asc" },
      take: limit,
    });
    return rows.map((r) => ({ attemptId: r.id, orderId: r.orderId }));
  }

  async claimVoids(now: Date, leaseUntil: Date, limit: number): Promise<DueVoid[]> {
    const rows = await this.db.$queryRaw<{ id: string; order_id: string; retries: number }[]>`
      UPDATE payment_attempts SET next_attempt_at = ${leaseUntil}, retries = retries + 1
      WHERE id IN (SELECT id FROM payment_attempts WHERE state = 'void_pending' AND next_attempt_at <= ${now}
                   ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        AND state = 'void_pending'
      RETURNING id, order_id, retries`;
    return rows.map((r) => ({ attemptId: r.id, orderId: r.order_id, retries: r.retries }));
  }

  async findVoid(attemptId: string): Promise<DueVoid | null> {
    const row = await this.db.paymentAttempt.findFirst({ where: { id: attemptId, state: "void_pending" }, select: { id: true, orderId: true, retries: true } });
    return row ? { attemptId: row.id, orderId: row.orderId, retries: row.retries } : null;
  }

  async recordVoided(attemptId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.paymentAttempt.updateMany({ where: { id: attemptId, state: "void_pending" }, data: { state: "voided", nextAttemptAt: null, updatedAt: at } });
    return count === 1;
  }

  async recordVoidFailed(attemptId: string, error: string, retryAt: Date): Promise<void> {
    await this.db.paymentAttempt.updateMany({ where: { id: attemptId, state: "void_pending" }, data: { lastError: error.slice(0, 300), nextAttemptAt: retryAt } });
  }

  async claimRefunds(now: Date, leaseUntil: Date, limit: number): Promise<DueRefund[]> {
    const rows = await this.db.$queryRaw<{ id: string; order_id: string; attempt_id: string; amount_minor: number; retries: number; currency: string }[]>`
      WITH claimed AS (
        UPDATE refunds SET next_attempt_at = ${leaseUntil}, retries = retries + 1
        WHERE id IN (SELECT id FROM refunds WHERE state = 'pending' AND next_attempt_at <= ${now}
                     ORDER BY next_attempt_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
          AND state = 'pending'
        RETURNING id, order_id, attempt_id, amount_minor, retries)
      SELECT c.*, o.currency FROM claimed c JOIN orders o ON o.id = c.order_id`;
    return rows.map((r) => ({ refundId: r.id, orderId: r.order_id, attemptId: r.attempt_id, amountMinor: r.amount_minor, currency: r.currency, retries: r.retries }));
  }

  async findPendingRefund(refundId: string): Promise<DueRefund | null> {
    const row = await this.db.refund.findFirst({
      where: { id: refundId, state: "pending" },
      select: { id: true, orderId: true, attemptId: true, amountMinor: true, retries: true, order: { select: { currency: true } } },
    });
    return row ? { refundId: row.id, orderId: row.orderId, attemptId: row.attemptId, amountMinor: row.amountMinor, currency: row.order.currency, retries: row.retries } : null;
  }

  async recordRefundFailed(refundId: string, error: string, retryAt: Date): Promise<void> {
    await this.db.refund.updateMany({ where: { id: refundId, state: "pending" }, data: { lastError: error.slice(0, 300), nextAttemptAt: retryAt } });
  }

  /**
   * Per order with attempts since `since`: charges that took money (applied,
   * or still to void) minus confirmed refunds. An order with an attempt in
   * flight or a void not yet made is "settling": the processor may or may not
   * hold that money yet.
   */
  async heldByOrder(since: Date): Promise<Map<string, { heldMinor: number; settling: boolean }>> {
    const rows = await this.db.$queryRaw<{ order_id: string; held: bigint; settling: boolean }[]>`
      SELECT a.order_id,
             coalesce(sum(a.amount_minor) FILTER (WHERE a.state = 'charged'), 0)
               - coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.order_id = a.order_id AND r.state = 'succeeded'), 0) AS held,
             bool_or(a.state IN ('pending', 'void_pending') OR (a.state = 'charged' AND a.applied_at IS NULL)) AS settling
      FROM payment_attempts a
      WHERE a.order_id IN (SELECT order_id FROM payment_attempts WHERE created_at >= ${since})
      GROUP BY a.order_id`;
    return new Map(rows.map((r) => [r.order_id, { heldMinor: Number(r.held), settling: r.settling }]));
  }
}
