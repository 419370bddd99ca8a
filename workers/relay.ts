import { setTimeout as delay } from "node:timers/promises";
import { describeCauses } from "../lib/domain/errors";

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Drains the outbox batch by batch; when it is empty, waits a poll interval.
 * On a publish failure it backs off (capped) and tries again; nothing is lost
 * because unsent rows stay in the table.
 */
export async function runRelay(
  relayOnce: (limit: number, signal?: AbortSignal) => Promise<number>,
  options: { batchSize: number; pollMs: number; signal: AbortSignal; log: (message: string) => void },
): Promise<void> {
  let failures = 0;
  while (!options.signal.aborted) {
    try {
      const sent = await relayOnce(options.batchSize, options.signal);
      failures = 0;
      if (sent < options.batchSize) await sleep(options.pollMs, options.signal);
    } catch (error) {
      failures++;
      options.log(`outbox relay: ${describeCauses(error)}`);
      await sleep(Math.min(30_000, options.pollMs * 2 ** Math.min(failures, 7)), options.signal);
    }
  }
}
