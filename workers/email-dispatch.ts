import { setTimeout as delay } from "node:timers/promises";
import { describeCauses } from "../lib/domain/errors";
import type { Wakeup } from "./relay";

export interface EmailDispatcher {
  dispatchDue(limit: number, signal: AbortSignal): Promise<{ sent: number; failed: number; givenUp: number }>;
  nextDueAt(signal: AbortSignal): Promise<Date | null>;
}

/**
 * Sends due emails batch by batch (the dispatcher bounds SMTP conversations
 * at once), then sleeps until the next retry is due, a new email is announced
 * (LISTEN/NOTIFY), or the poll interval passes.
 */
export async function runEmailDispatch(
  dispatcher: EmailDispatcher,
  options: { batchSize: number; pollMs: number; wakeup: Wakeup; signal: AbortSignal; log: (message: string) => void },
): Promise<void> {
  const { signal } = options;
  let failures = 0;
  while (!signal.aborted) {
    try {
      const r = await dispatcher.dispatchDue(options.batchSize, signal);
      failures = 0;
      if (r.sent + r.failed + r.givenUp >= options.batchSize) continue;
      const next = await dispatcher.nextDueAt(signal);
      const wait = next === null ? options.pollMs : Math.max(0, Math.min(options.pollMs, next.getTime() - Date.now()));
      if (wait > 0) await options.wakeup.wait(wait, signal);
    } catch (error) {
      if (signal.aborted) return;
      failures++;
      if (failures === 1 || failures % 20 === 0) options.log(`email dispatch (failure ${failures}): ${describeCauses(error)}`);
      await delay(Math.min(5_000, 100 * 2 ** Math.min(failures, 10)) * Math.random(), undefined, { signal }).catch(() => undefined);
    }
  }
}
