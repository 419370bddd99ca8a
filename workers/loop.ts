import { setTimeout as delay } from "node:timers/promises";
import type { LogFields } from "../lib/application/shared";

export interface Wakeup {
  /** Resolves when new work was announced (true) or after `ms` (false). */
  wait(ms: number, signal: AbortSignal): Promise<boolean>;
}

/** After a failure the next round waits a jittered backoff of up to this. */
const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 5_000;

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * The worker's loops (relay, email dispatch, jobs): runs `round` until the
 * signal aborts. A round returns how long to wait before the next one (0: at
 * once); with a `wakeup`, a NOTIFY ends that wait early. A round that throws
 * is logged (the first failure of a streak, then every 20th) and run again
 * after a jittered backoff capped at 5 s: nothing is lost meanwhile, the work
 * stays in its table.
 */
export async function runLoop(
  name: string,
  round: (signal: AbortSignal) => Promise<number>,
  options: { signal: AbortSignal; log: (message: string, fields?: LogFields) => void; wakeup?: Wakeup; onFailure?: () => void },
): Promise<void> {
  const { signal } = options;
  let failures = 0;
  while (!signal.aborted) {
    let waitMs: number;
    try {
      waitMs = await round(signal);
    } catch (error) {
      if (signal.aborted) return;
      failures++;
      options.onFailure?.();
      if (failures === 1 || failures % 20 === 0) options.log(`${name} (failure ${failures})`, { err: error });
      await sleep(Math.random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(failures, 10)), signal);
      continue;
    }
    if (failures > 0) options.log(`${name}: working again after ${failures} failed attempts`);
    failures = 0;
    if (waitMs <= 0) continue;
    if (options.wakeup) await options.wakeup.wait(waitMs, signal);
    else await sleep(waitMs, signal);
  }
}
