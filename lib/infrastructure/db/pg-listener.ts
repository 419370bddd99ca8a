import pg from "pg";

export interface PgListenerOptions {
  databaseUrl: string;
  /** Channels to LISTEN on. */
  channels: readonly string[];
  /** Shown in pg_stat_activity. */
  applicationName: string;
  onNotification(channel: string): void;
  /** LISTEN is active (again): notifications sent while it was not may have been missed. */
  onListening?(): void;
  /** The connection is gone; `error` says why. It reconnects by itself, with backoff. */
  onLost?(error: unknown): void;
  /** Cap of the reconnect backoff (starts at 500 ms, doubles). */
  maxRetryDelayMs?: number;
}

/**
 * One dedicated PostgreSQL connection that LISTENs, reconnecting with backoff
 * when it is lost. Shared by everything that reacts to NOTIFY: the catalog
 * cache (invalidation) and the worker's loops (wake-ups).
 */
export class PgListener {
  private client: pg.Client | null = null;
  private active = false;
  private starting: Promise<void> | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = 500;

  constructor(private readonly options: PgListenerOptions) {}

  get listening(): boolean {
    return this.active;
  }

  /** Connects unless connected or connecting; resolves after the attempt (a failed one retries in the background). */
  start(): Promise<void> {
    if (this.closed || this.active) return Promise.resolve();
    this.starting ??= this.connect().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.active = false;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: this.options.applicationName });
    const lost = (error?: unknown) => {
      if (this.client !== client) return;
      this.client = null;
      this.active = false;
      this.options.onLost?.(error ?? new Error("the connection ended"));
      client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on("notification", (message) => this.options.onNotification(message.channel));
    client.on("error", lost);
    client.on("end", () => lost());
    try {
      this.client = client;
      await client.connect();
      for (const channel of this.options.channels) await client.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
      if (this.closed || this.client !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      this.active = true;
      this.retryDelayMs = 500;
      this.options.onListening?.();
    } catch (error) {
      lost(error);
    }
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, this.options.maxRetryDelayMs ?? 10_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.start();
    }, delay);
    this.retryTimer.unref();
  }
}
