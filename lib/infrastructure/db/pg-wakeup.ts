import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { describeCauses } from "../../domain/errors";

export interface PgWakeupOptions {
  databaseUrl: string;
  /** Channels to LISTEN on (the tables' triggers notify them; migration event_backbone). */
  channels: readonly string[];
  /** Shown in pg_stat_activity. */
  applicationName: string;
  log?: (message: string) => void;
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
  private client: pg.Client | null = null;
  private pending = true; // the first wait returns at once: drain what is already there
  private waiters = new Set<() => void>();
  private closed = false;
  private retryDelayMs = 500;
  private connecting: Promise<void> | null = null;
  private readonly log: (message: string) => void;

  constructor(private readonly options: PgWakeupOptions) {
    this.log = options.log ?? ((m) => console.warn(m));
  }

  /** Resolves once LISTEN is active (or after the first attempt failed; it keeps retrying in the background). */
  start(): Promise<void> {
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  get listening(): boolean {
    return this.client !== null;
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
    this.closed = true;
    for (const wake of this.waiters) wake();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private notify(): void {
    this.pending = true;
    for (const wake of this.waiters) wake();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      if (error) this.log(`${this.options.applicationName}: LISTEN connection lost, polling until it is back: ${describeCauses(error)}`);
      client.end().catch(() => undefined);
      void this.reconnectLater();
    };
    client.on("error", lost);
    client.on("end", () => lost());
    client.on("notification", () => this.notify());
    try {
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.retryDelayMs = 500;
      // Whatever was committed while we were not listening must be looked at now.
      this.notify();
    } catch (error) {
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
      this.log(`${this.options.applicationName}: LISTEN failed, polling meanwhile: ${describeCauses(error)}`);
      void this.reconnectLater();
    }
  }

  private async reconnectLater(): Promise<void> {
    if (this.closed) return;
    const wait = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, 10_000);
    await delay(wait, undefined, { ref: false });
    if (!this.closed && !this.client) await this.start();
  }
}
