import { setTimeout as delay } from "node:timers/promises";
import type { RelayBatch } from "../lib/application/outbox/relay-outbox";
import { describeCauses } from "../lib/domain/errors";

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

export interface Wakeup {
  /** Resolves when new work was announced (true) or after `ms` (false). */
  wait(ms: number, signal: AbortSignal): Promise<boolean>;
}

/** After this many failures in a row the relay retries every RETRY_CAP_MS. */
const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 5_000;

/**
 * Drains the outbox batch by batch. When it is empty, sleeps until PostgreSQL
 * announces a new event (LISTEN/NOTIFY) or the poll interval passes. On a
 * publish failure (broker down) it backs off with jitter, capped at 5 s, and
 * tries again; nothing is lost because unsent rows stay in the table.
 */
export async function runRelay(
  relayOnce: (limit: number, signal?: AbortSignal) => Promise<RelayBatch>,
  options: {
    batchSize: number;
    pollMs: number;
    wakeup: Wakeup;
    signal: AbortSignal;
    log: (message: string) => void;
    onPublished?: (count: number) => void;
    onFailure?: () => void;
  },
): Promise<void> {
  const { signal } = options;
  let failures = 0;
  while (!signal.aborted) {
    let batch: RelayBatch;
    try {
      batch = await relayOnce(options.batchSize, signal);
    } catch (error) {
      if (signal.aborted) return;
      failures++;
      options.onFailure?.();
      // The first failure of a streak is news; the rest repeat it.
      if (failures === 1 || failures % 20 === 0) options.log(`outbox relay (failure ${failures}): ${describeCauses(error)}`);
      await sleep(Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(failures, 10)), signal);
      continue;
    }
    if (failures > 0) options.log(`outbox relay: publishing again after ${failures} failed attempts`);
    failures = 0;
    if (batch.sent > 0) options.onPublished?.(batch.sent);
    if (batch.sent + batch.held >= options.batchSize) continue; // more is waiting
    // Another relay is publishing an earlier event of some aggregate: come back soon.
    if (batch.held > 0) await sleep(25, signal);
    else await options.wakeup.wait(options.pollMs, signal);
  }
}
