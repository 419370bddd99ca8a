import type { RelayBatch } from "../lib/application/outbox/relay-outbox";
import type { LogFields } from "../lib/application/shared";
import { runLoop, type Wakeup } from "./loop";

/**
 * Drains the outbox batch by batch. When it is empty, sleeps until PostgreSQL
 * announces a new event (LISTEN/NOTIFY) or the poll interval passes. On a
 * publish failure (broker down) it backs off and tries again; nothing is lost
 * because unsent rows stay in the table.
 */
export function runRelay(
  relayOnce: (limit: number, signal?: AbortSignal) => Promise<RelayBatch>,
  options: {
    batchSize: number;
    pollMs: number;
    wakeup: Wakeup;
    signal: AbortSignal;
    log: (message: string, fields?: LogFields) => void;
    onPublished?: (count: number) => void;
    onFailure?: () => void;
  },
): Promise<void> {
  return runLoop(
    "outbox relay",
    async (signal) => {
      const batch = await relayOnce(options.batchSize, signal);
      if (batch.sent > 0) options.onPublished?.(batch.sent);
      if (batch.sent + batch.held >= options.batchSize) return 0; // more is waiting
      // Another relay is publishing an earlier event of some aggregate: come back soon.
      return batch.held > 0 ? 25 : options.pollMs;
    },
    options,
  );
}
