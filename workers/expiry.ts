import { setTimeout as delay } from "node:timers/promises";
import { describeCauses } from "../lib/domain/errors";

/**
 * Every interval, cancels reserved orders whose payment window lapsed. Safe
 * with many workers: the use case locks due orders with SKIP LOCKED and moves
 * each with a compare-and-set, so every expiry happens once.
 */
export async function runExpiry(
  expireReservations: (limit: number, signal?: AbortSignal) => Promise<number>,
  options: { intervalMs: number; signal: AbortSignal; log: (message: string) => void },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      // Drain in batches, then wait.
      while ((await expireReservations(100, options.signal)) === 100 && !options.signal.aborted);
    } catch (error) {
      options.log(`reservation expiry: ${describeCauses(error)}`);
    }
    await delay(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
