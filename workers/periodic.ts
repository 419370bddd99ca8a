import { setTimeout as delay } from "node:timers/promises";
import { describeCauses } from "../lib/domain/errors";

/**
 * Runs `work` now and then every `intervalMs` until the signal aborts. A
 * failure is logged and the next round still runs. Work that has several
 * instances (several workers) must be safe to run concurrently: the jobs here
 * claim their rows with FOR UPDATE SKIP LOCKED and change them with a
 * compare-and-set.
 */
export async function runPeriodically(
  name: string,
  work: (signal: AbortSignal) => Promise<void>,
  options: { intervalMs: number; signal: AbortSignal; log: (message: string) => void },
): Promise<void> {
  while (!options.signal.aborted) {
    try {
      await work(options.signal);
    } catch (error) {
      if (!options.signal.aborted) options.log(`${name}: ${describeCauses(error)}`);
    }
    await delay(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
