import { AppError, describeCauses } from "../../domain/errors";
import type { Clock } from "../shared";
import type { EmailKind, EmailMessage, Mailer } from "./emails";

/**
 * One dispatcher's hold on one email. It stays current while the row still has
 * the lease end and attempt count this claim set: a later claim changes both.
 */
export interface EmailClaim {
  readonly id: string;
  readonly attempts: number;
  readonly lockedUntil: Date;
}

export interface ClaimedEmail extends EmailClaim {
  readonly kind: EmailKind;
  /**
   * The previous claim ended without a recorded outcome (its dispatcher died,
   * or overran its lease): that attempt may have reached the SMTP server. SMTP
   * has no way to ask, so the email is sent again, with the same Message-ID
   * (at-least-once in this one window; receivers can fold the copies).
   */
  readonly inDoubt: boolean;
  readonly message: EmailMessage & { messageId: string };
}

/** The outgoing email table, as the dispatcher sees it. */
export interface OutgoingEmailQueue {
  /**
   * Takes up to `limit` due emails (pending, next attempt at or before `now`,
   * lease free or ended) that no other dispatcher is taking, leases them until
   * `lockedUntil` and counts the attempt. Committed before it returns.
   */
  claim(limit: number, now: Date, lockedUntil: Date, signal?: AbortSignal): Promise<ClaimedEmail[]>;
  /** The outcomes below are compare-and-set on the claim: false when it is no longer current (nothing is written). */
  markSent(claim: EmailClaim, sentAt: Date, signal?: AbortSignal): Promise<boolean>;
  /** Frees the email for another attempt at `nextAttemptAt`. */
  reschedule(claim: EmailClaim, nextAttemptAt: Date, error: string, signal?: AbortSignal): Promise<boolean>;
  /** Marks the email failed for good; it stays for the back office. */
  giveUp(claim: EmailClaim, error: string, signal?: AbortSignal): Promise<boolean>;
  /** Hands back a claim that was never tried, uncounting its attempt. */
  release(claim: EmailClaim, signal?: AbortSignal): Promise<boolean>;
  /** When the earliest pending email can next be claimed (its lease counts); null when none is pending. */
  nextDueAt(signal?: AbortSignal): Promise<Date | null>;
}

export interface EmailDispatcherDeps {
  queue: OutgoingEmailQueue;
  mailer: Mailer;
  clock: Clock;
  /** SMTP conversations at once, per dispatcher. */
  concurrency: number;
  /** Attempts before an email is given up (the first one included). */
  maxAttempts: number;
  /** Backoff scale: the n-th retry waits up to base × 2^(n-1), capped at MAX_BACKOFF_MS. */
  baseBackoffMs: number;
  /** How long a claim holds its emails. Must cover a whole batch: limit / concurrency rounds of sends. */
  leaseMs: number;
  /** In [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
  onSent?(kind: EmailKind): void;
  onFailed?(kind: EmailKind, error: unknown): void;
  onGivenUp?(kind: EmailKind, error: unknown): void;
  /** An email claimed again after a claim that recorded no outcome (see ClaimedEmail.inDoubt). */
  onInDoubt?(kind: EmailKind): void;
}

export interface DispatchStats {
  /** Outcomes recorded by this call; a claim lost to another dispatcher counts in none. */
  sent: number;
  failed: number;
  givenUp: number;
}

export const MAX_BACKOFF_MS = 10 * 60_000;
const MAX_ERROR_CHARS = 1000;

/** Full-jitter exponential backoff: anywhere in [0, min(cap, base × 2^(attempts-1))), so retries of a burst spread out. */
export function retryDelayMs(attempts: number, baseBackoffMs: number, random: () => number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseBackoffMs * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, starting the
 * next only as one finishes. Once `signal` aborts or a call throws, nothing
 * new starts; calls in flight are awaited. Returns the items never started;
 * rethrows the first error after the rest have settled.
 */
export async function runBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<T[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new AppError("internal", `runBounded needs a positive integer limit, got ${limit}`);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !signal?.aborted && !failure) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return items.slice(next);
}

function assertPositiveInteger(name: string, value: number) {
  if (!Number.isInteger(value) || value < 1) throw new AppError("internal", `email dispatcher: ${name} must be a positive integer, got ${value}`);
}

/**
 * Sends queued emails: claims a batch, talks SMTP with a bounded pool, and
 * records each outcome against its claim. Several dispatchers (in one process
 * or many) may run at once; the claim keeps them off each other's emails.
 */
export function makeEmailDispatcher(deps: EmailDispatcherDeps) {
  assertPositiveInteger("concurrency", deps.concurrency);
  assertPositiveInteger("maxAttempts", deps.maxAttempts);
  assertPositiveInteger("leaseMs", deps.leaseMs);
  if (!(deps.baseBackoffMs >= 0)) throw new AppError("internal", `email dispatcher: baseBackoffMs must be >= 0, got ${deps.baseBackoffMs}`);
  const random = deps.random ?? Math.random;

  // Outcomes are recorded without the shutdown signal: a send that went out
  // during shutdown must still be marked, or it would be sent again.
  const record = async (claim: ClaimedEmail, write: () => Promise<boolean>): Promise<boolean> => {
    try {
      return await write();
    } catch (error) {
      throw new AppError("unavailable", `recording the outcome of email ${claim.id} failed`, { cause: error });
    }
  };

  async function deliver(email: ClaimedEmail, stats: DispatchStats): Promise<boolean> {
    // Waiting in the pool may have outlived the lease; the email may be another dispatcher's now.
    if (deps.clock.now().getTime() >= email.lockedUntil.getTime()) return false;
    try {
      // No signal: a conversation already started is let finish, not cut mid-DATA.
      await deps.mailer.send(email.message);
    } catch (error) {
      const reason = describeCauses(error).slice(0, MAX_ERROR_CHARS);
      if (email.attempts >= deps.maxAttempts) {
        if (await record(email, () => deps.queue.giveUp(email, reason))) {
          stats.givenUp++;
          deps.onGivenUp?.(email.kind, error);
        }
      } else {
        const next = new Date(deps.clock.now().getTime() + retryDelayMs(email.attempts, deps.baseBackoffMs, random));
        if (await record(email, () => deps.queue.reschedule(email, next, reason))) {
          stats.failed++;
          deps.onFailed?.(email.kind, error);
        }
      }
      return true;
    }
    if (await record(email, () => deps.queue.markSent(email, deps.clock.now()))) {
      stats.sent++;
      deps.onSent?.(email.kind);
    }
    return true;
  }

  return {
    /** Sends up to `limit` due emails. On abort, starts no new send but finishes and records those in flight. */
    async dispatchDue(limit: number, signal: AbortSignal): Promise<DispatchStats> {
      const stats: DispatchStats = { sent: 0, failed: 0, givenUp: 0 };
      if (signal.aborted) return stats;
      const now = deps.clock.now();
      const claims = await deps.queue.claim(limit, now, new Date(now.getTime() + deps.leaseMs), signal);
      for (const c of claims) if (c.inDoubt) deps.onInDoubt?.(c.kind);
      const untried: ClaimedEmail[] = [];
      const unstarted = await runBounded(
        claims,
        deps.concurrency,
        async (email) => {
          if (!(await deliver(email, stats))) untried.push(email);
        },
        signal,
      );
      // Hand back what was never tried, so another dispatcher need not wait out
      // the lease and the attempt is not counted against the email.
      for (const claim of [...untried, ...unstarted]) await record(claim, () => deps.queue.release(claim));
      return stats;
    },
    /** When the next pending email is due (the loop sleeps until then, capped by its poll interval). */
    nextDueAt(signal: AbortSignal): Promise<Date | null> {
      return deps.queue.nextDueAt(signal);
    },
  };
}

export type EmailDispatcher = ReturnType<typeof makeEmailDispatcher>;
