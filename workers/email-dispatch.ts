import type { EmailDispatcher } from "../lib/application/notifications/email-dispatcher";
import type { LogFields } from "../lib/application/shared";
import { runLoop, type Wakeup } from "./loop";

/**
 * Sends due emails batch by batch (the dispatcher bounds SMTP conversations
 * at once), then sleeps until the next retry is due, a new email is announced
 * (LISTEN/NOTIFY), or the poll interval passes.
 */
export function runEmailDispatch(
  dispatcher: Pick<EmailDispatcher, "dispatchDue" | "nextDueAt">,
  options: { batchSize: number; pollMs: number; wakeup: Wakeup; signal: AbortSignal; log: (message: string, fields?: LogFields) => void },
): Promise<void> {
  return runLoop(
    "email dispatch",
    async (signal) => {
      const r = await dispatcher.dispatchDue(options.batchSize, signal);
      if (r.sent + r.failed + r.givenUp >= options.batchSize) return 0;
      const next = await dispatcher.nextDueAt(signal);
      return next === null ? options.pollMs : Math.min(options.pollMs, next.getTime() - Date.now());
    },
    options,
  );
}
