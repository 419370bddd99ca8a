import { Redis } from "ioredis";
import type { Logger } from "../../application/shared";
import { describeCauses } from "../../domain/errors";

/**
 * Rate limits sit in front of every API request, so a Redis that is down or
 * hung must cost a request at most this long. A healthy Redis next to the web
 * instances answers in well under a millisecond.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 250;
const REDIS_CONNECT_TIMEOUT_MS = 1_000;

export interface RedisConnectionOptions {
  /** Where the transitions down and up are reported. */
  log: Pick<Logger, "warn">;
}

/**
 * One ioredis client per process, shared by every rate limiter, plus whether
 * Redis answered last time, so that an outage is logged once when it starts and
 * once when it ends rather than once per request.
 *
 * Nothing connects until the first rate-limited request (lazyConnect): the
 * worker builds the same services and never signs anyone in. After that first
 * connection ioredis reconnects by itself; while it is not connected, commands
 * fail at once (no offline queue) instead of waiting, and a connected but silent
 * Redis fails them after REDIS_COMMAND_TIMEOUT_MS.
 */
export class RedisConnection {
  readonly client: Redis;
  private firstConnect: Promise<void> | null = null;
  private down = false;
  /** What the client last failed with (e.g. ECONNREFUSED): the limiter only says "not ready". */
  private lastClientError: unknown = null;
  private readonly log: Pick<Logger, "warn">;
  private readonly where: string;

  constructor(url: string, options: RedisConnectionOptions) {
    this.log = options.log;
    this.where = withoutPassword(url);
    this.client = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      // Reconnect soon after an outage ends, without hammering a Redis that is restarting.
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    // ioredis prints unhandled "error" events itself, one per reconnect attempt;
    // the limiters report what a failure means for the request instead (see below).
    this.client.on("error", (error) => {
      this.lastClientError = error;
    });
  }

  /**
   * Opens the connection on first use; callers arriving meanwhile wait for the
   * same attempt (bounded by the connect timeout). A failed first attempt is
   * not an error here: the command that follows fails, and ioredis goes on
   * reconnecting in the background.
   */
  async ready(): Promise<void> {
    if (this.client.status === "wait") this.firstConnect ??= this.client.connect().then(noop, noop);
    if (this.firstConnect) await this.firstConnect;
  }

  /** A command failed for want of Redis: says so once, when Redis stops answering. */
  failed(error: unknown): void {
    if (this.down) return;
    this.down = true;
    const why = this.lastClientError && this.client.status !== "ready" ? `${describeCauses(error)}; last connection error: ${describeCauses(this.lastClientError)}` : describeCauses(error);
    this.log.warn(
      `rate limits: Redis at ${this.where} did not answer (${why}); ` +
        "sign-in attempts are refused and API limits are counted per web instance until it answers again",
    );
  }

  /** A command succeeded: says so once, when Redis answers again after failing. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.warn(`rate limits: Redis at ${this.where} answers again; every web instance shares the counts again`);
  }

  async close(): Promise<void> {
    // Never connected (the worker): nothing to close.
    if (this.client.status === "wait" || this.client.status === "end") return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

function noop(): void {}

/** The URL as logged: a password in it stays out of the logs. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable REDIS_URL)";
  }
}
