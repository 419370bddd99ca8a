import { z } from "zod";
import type { ClaimedEmail, EmailClaim, OutgoingEmailQueue } from "../../application/notifications/email-dispatcher";
import { EMAIL_KINDS, type NewOutgoingEmail, type OutgoingEmails } from "../../application/notifications/emails";
import { AppError } from "../../domain/errors";
import { carryTraceparent, traceparentFor } from "../observability/tracing";
import type { Db } from "./prisma-client";

// Rows come back from raw SQL untyped; a kind this code does not know is a bug to hear about, not to send.
const claimedRow = z.object({
  id: z.string(),
  kind: z.enum(EMAIL_KINDS),
  recipient: z.string(),
  subject: z.string(),
  text_body: z.string(),
  html_body: z.string(),
  message_id: z.string(),
  attempts: z.number().int(),
  locked_until: z.date(),
  in_doubt: z.boolean(),
  trace_context: z.string().nullable(),
});

/**
 * The outgoing_emails table. Bound to a transaction it queues emails (the
 * notifications unit of work); bound to the client it is the dispatcher's
 * queue, each call its own short transaction.
 */
export class PrismaOutgoingEmailRepository implements OutgoingEmails, OutgoingEmailQueue {
  constructor(private readonly db: Db) {}

  async enqueue(email: NewOutgoingEmail): Promise<void> {
    await this.enqueueMany([email]);
  }

  async enqueueMany(emails: readonly NewOutgoingEmail[]): Promise<void> {
    if (emails.length === 0) return;
    // One email per (event, kind) even if the processed mark was ever pruned
    // and the event came again: the second insert is a no-op, not an error.
    await this.db.outgoingEmail.createMany({
      data: emails.map((email) => ({
        id: email.id,
        eventId: email.eventId,
        kind: email.kind,
        recipient: email.message.to,
        subject: email.message.subject,
        textBody: email.message.text,
        htmlBody: email.message.html,
        messageId: email.message.messageId,
        // The trace of the event that asked for it: the sending joins it (ADR 013).
        traceContext: traceparentFor({ eventId: email.eventId }) ?? null,
      })),
      skipDuplicates: true,
    });
  }

  async claim(limit: number, now: Date, lockedUntil: Date): Promise<ClaimedEmail[]> {
    // One statement, so one short transaction: the row locks last only while
    // the lease is written. SKIP LOCKED lets concurrent claims take disjoint rows;
    // the lease keeps them off each other's rows after commit.
    const rows = await this.db.$queryRaw<unknown[]>`
      WITH due AS (
        SELECT id, locked_until AS previous_lease FROM outgoing_emails
        WHERE status = 'pending'
          AND next_attempt_at <= ${now}::timestamptz
          AND (locked_until IS NULL OR locked_until <= ${now}::timestamptz)
        ORDER BY next_attempt_at, id
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE outgoing_emails AS e
      SET locked_until = ${lockedUntil}::timestamptz, attempts = e.attempts + 1,
          -- A lease still set means the last claim never recorded an outcome.
          in_doubt_attempts = e.in_doubt_attempts + (due.previous_lease IS NOT NULL)::int
      FROM due WHERE e.id = due.id
      RETURNING e.id, e.kind, e.recipient, e.subject, e.text_body, e.html_body, e.message_id, e.attempts, e.locked_until,
                due.previous_lease IS NOT NULL AS in_doubt, e.trace_context`;
    return rows.map((raw) => {
      const parsed = claimedRow.safeParse(raw);
      if (!parsed.success) throw new AppError("internal", "an outgoing email row does not have the expected shape", { cause: parsed.error });
      const r = parsed.data;
      return {
        id: r.id,
        kind: r.kind,
        attempts: r.attempts,
        lockedUntil: r.locked_until,
        inDoubt: r.in_doubt,
        // The mailer sends it in a span of the trace that queued it.
        message: carryTraceparent({ to: r.recipient, subject: r.subject, text: r.text_body, html: r.html_body, messageId: r.message_id }, r.trace_context),
      };
    });
  }

  markSent(claim: EmailClaim, sentAt: Date): Promise<boolean> {
    return this.settle(claim, { status: "sent", sentAt, lockedUntil: null, lastError: null });
  }

  reschedule(claim: EmailClaim, nextAttemptAt: Date, error: string): Promise<boolean> {
    return this.settle(claim, { nextAttemptAt, lockedUntil: null, lastError: error });
  }

  giveUp(claim: EmailClaim, error: string): Promise<boolean> {
    return this.settle(claim, { status: "failed", lockedUntil: null, lastError: error });
  }

  release(claim: EmailClaim): Promise<boolean> {
    return this.settle(claim, { lockedUntil: null, attempts: { decrement: 1 } });
  }

  async nextDueAt(): Promise<Date | null> {
    // A leased row is not claimable before its lease ends, whatever its next_attempt_at
    // (GREATEST skips the NULL of an unleased row); counting it earlier would spin the loop.
    const rows = await this.db.$queryRaw<{ due: Date | null }[]>`
      SELECT min(GREATEST(next_attempt_at, locked_until)) AS due FROM outgoing_emails WHERE status = 'pending'`;
    return rows[0]?.due ?? null;
  }

  /** Compare-and-set: writes only while the row still carries this claim. */
  private async settle(
    claim: EmailClaim,
    data: {
      status?: "sent" | "failed";
      sentAt?: Date;
      nextAttemptAt?: Date;
      lockedUntil: null;
      lastError?: string | null;
      attempts?: { decrement: number };
    },
  ): Promise<boolean> {
    const { count } = await this.db.outgoingEmail.updateMany({
      where: { id: claim.id, status: "pending", lockedUntil: claim.lockedUntil, attempts: claim.attempts },
      data,
    });
    return count === 1;
  }
}
