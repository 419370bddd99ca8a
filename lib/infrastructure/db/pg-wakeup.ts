import { setTimeout as delay } from "node:timers/promises";
import type { LogFields } from "../../application/shared";
import { PgListener } from "./pg-listener";

export interface PgWakeupOptions {
  databaseUrl: string;
  /** Channels to LISTEN on (the tables' triggers notify them; migration event_backbone). */
  channels: readonly string[];
  /** Shown in pg_stat_activity. */
  applicationName: string;
  /** Where a lost connection is reported. */
  log: (message: string, fields?: LogFields) => void;
}

/**
 * Wakes a polling loop as soon as PostgreSQL announces new work, instead of at
 * its next poll. `wait(ms)` resolves early on a NOTIFY on any channel, or when
 * the connection comes back after a loss (work may have arrived unheard), or
 * when the signal aborts. A notification that arrives while nobody waits is
 * remembered, so the next wait returns at once: nothing committed between a
 * drain and the wait is slept through.
 *
 * The poll interval stays the safety net: while the LISTEN connection is down,
 * the loop still runs every `ms`.
 */
export class PgWakeup {
  private pending = true; // the first wait returns at once: drain what is already there
  private readonly waiters = new Set<() => void>();
  private readonly listener: PgListener;

  constructor(options: PgWakeupOptions) {
    const { log } = options;
    this.listener = new PgListener({
      databaseUrl: options.databaseUrl,
      channels: options.channels,
      applicationName: options.applicationName,
      onNotification: () => this.notify(),
      // Whatever was committed while we were not listening must be looked at now.
      onListening: () => this.notify(),
      onLost: (error) => log(`${options.applicationName}: LISTEN connection lost, polling until it is back`, { err: error }),
    });
  }

  /** Resolves once LISTEN is active (or after the first attempt failed; it keeps retrying in the background). */
  start(): Promise<void> {
    return this.listener.start();
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  /** Waits up to `ms`; returns true when woken by a notification (or a reconnect), false on timeout or abort. */
  async wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return true;
    }
    if (signal.aborted) return false;
    const local = new AbortController();
    let woken = false;
    const wake = () => {
      woken = true;
      local.abort();
    };
    const onAbort = () => local.abort();
    this.waiters.add(wake);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await delay(ms, undefined, { signal: local.signal }).catch(() => undefined);
    } finally {
      this.waiters.delete(wake);
      signal.removeEventListener("abort", onAbort);
    }
    if (woken) this.pending = false;
    return woken;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    await this.listener.close();
  }

  private notify(): void {
    this.pending = true;
    for (const wake of this.waiters) wake();
  }
}
