/**
 * Retention: rows that are of no more use, several of them personal data, are
 * deleted once past their retention period (OWASP ASVS V14.2, data retention).
 * The worker's jobs role runs this every few minutes.
 */
import { setTimeout as delay } from "node:timers/promises";

/** What is pruned, each by its own rule (see RetentionStore.deleteBatch). */
export const PRUNABLE = [
  "auth_sessions",
  "api_sessions",
  "idempotency_keys",
  "guest_carts",
  "rate_limits",
  "processed_events",
  "outgoing_emails",
  "dead_letters",
] as const;
export type Prunable = (typeof PRUNABLE)[number];

export interface RetentionStore {
  /**
   * Deletes up to `limit` rows of `what` that are past `cutoff` by its rule,
   * skipping rows another transaction holds; returns how many. One short
   * statement per call, so no table is locked for long.
   * auth_sessions, api_sessions, idempotency_keys: expired before the cutoff.
   * guest_carts: carts of no user, last touched before it. rate_limits: window
   * ended before it. processed_events: processed before it. outgoing_emails:
   * sent before it. dead_letters: recorded before it.
   */
  deleteBatch(what: Prunable, cutoff: Date, limit: number, signal?: AbortSignal): Promise<number>;
}

/** Node's abortable timer, failing with the signal's own reason (as the rest of a pass does). */
const pause = (ms: number, signal?: AbortSignal) =>
  delay(ms, undefined, { signal }).catch((error: unknown) => {
    signal?.throwIfAborted();
    throw error;
  });

export function makePruneExpired(deps: {
  store: RetentionStore;
  clock: { now(): Date };
  /** How long each kind of row is kept past the moment its rule goes by. */
  retentionMs: Record<Prunable, number>;
  batchSize: number;
  /** The wait between two batches of one table: other writers get the table (and the WAL writer catches up). */
  pauseMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called after every batch, so a long run is counted as it goes. */
  onPruned?: (what: Prunable, rows: number) => void;
}) {
  const sleep = deps.sleep ?? pause;
  /** One pass over every table; returns the rows deleted per table. Throws the signal's reason once it aborts. */
  return async function pruneExpired(signal?: AbortSignal): Promise<Record<Prunable, number>> {
    const totals = Object.fromEntries(PRUNABLE.map((what) => [what, 0])) as Record<Prunable, number>;
    for (const what of PRUNABLE) {
      const cutoff = new Date(deps.clock.now().getTime() - deps.retentionMs[what]);
      for (;;) {
        signal?.throwIfAborted();
        const n = await deps.store.deleteBatch(what, cutoff, deps.batchSize, signal);
        totals[what] += n;
        if (n > 0) deps.onPruned?.(what, n);
        if (n < deps.batchSize) break;
        await sleep(deps.pauseMs, signal);
      }
    }
    return totals;
  };
}
