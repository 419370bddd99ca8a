import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { AttemptCounter } from "../../application/auth/authenticate";
import { AppError } from "../../domain/errors";
import type { RateLimitMetrics } from "../observability/metrics";
import type { RedisConnection } from "../redis/redis-connection";

/**
 * What a limit does when Redis does not answer:
 * - "refuse": no count, no attempt (sign-in: a password guesser must not get
 *   unlimited tries because Redis is down); the caller gets AppError "unavailable".
 * - "count-here": count in this instance's memory, so the API stays up with a
 *   limit per instance instead of a shared one, and say so in a metric and a log line.
 */
export type WhenRedisFails = "refuse" | "count-here";

export interface RedisAttemptCounterOptions {
  /** The limit's name: part of its keys and the `limit` label of its metrics. */
  name: string;
  attempts: number;
  windowMs: number;
  whenRedisFails: WhenRedisFails;
  /** Put before the name in every key, so environments sharing a Redis count apart. */
  keyPrefix: string;
  metrics: RateLimitMetrics;
}

/**
 * An AttemptCounter over rate-limiter-flexible's RateLimiterRedis: one key per
 * counted thing, incremented by one Lua script (INCRBY and its expiry together),
 * so every web instance shares the counts and parallel hits cannot overshoot.
 * Fixed window: it starts at a key's first hit.
 *
 * First line in this process's memory (inMemoryBlockOnConsumed): once Redis has
 * refused a key, this instance refuses it for the rest of its window without
 * asking Redis again, so a client hammering past its limit costs no Redis
 * round trips. The threshold is attempts + 1, the first refused hit, not
 * attempts: a hit that reached the limit exactly was allowed, and the sign-in
 * that follows it may give that attempt back (forgive/reset), which a local
 * block at the limit would ignore.
 */
export class RedisAttemptCounter implements AttemptCounter {
  private readonly shared: RateLimiterRedis;
  /** Only for "count-here": this instance's counts while Redis is away. */
  private readonly local: RateLimiterMemory | null;
  private readonly labels: { limit: string };

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisAttemptCounterOptions,
  ) {
    const duration = Math.ceil(options.windowMs / 1000);
    this.labels = { limit: options.name };
    this.shared = new RateLimiterRedis({
      storeClient: redis.client,
      keyPrefix: `${options.keyPrefix}${options.name}`,
      points: options.attempts,
      duration,
      inMemoryBlockOnConsumed: options.attempts + 1,
      // Not connected: fail at once instead of sending a command that cannot be answered.
      rejectIfRedisNotReady: true,
    });
    this.local = options.whenRedisFails === "count-here" ? new RateLimiterMemory({ keyPrefix: options.name, points: options.attempts, duration }) : null;
  }

  async hit(key: string): Promise<{ limited: boolean; retryAfterMs: number }> {
    const stored = storedKey(key);
    try {
      await this.redis.ready();
      const res = await this.shared.consume(stored);
      this.redis.answered();
      return { limited: false, retryAfterMs: res.msBeforeNext };
    } catch (error) {
      // The library rejects with its result object when the limit is exceeded
      // (from Redis, or from the local block: consumedPoints 0), and with the
      // client's error when Redis fails.
      if (error instanceof RateLimiterRes) {
        if (error.consumedPoints > 0) this.redis.answered();
        return this.refused(error);
      }
      return this.withoutRedis(stored, error);
    }
  }

  async forgive(key: string): Promise<void> {
    await this.update(storedKey(key), (limiter, k) => limiter.reward(k, 1));
  }

  async reset(key: string): Promise<void> {
    await this.update(storedKey(key), (limiter, k) => limiter.delete(k));
  }

  private async withoutRedis(stored: string, error: unknown): Promise<{ limited: boolean; retryAfterMs: number }> {
    if (!this.local) {
      this.redis.failed(error);
      this.options.metrics.unavailable.inc(this.labels);
      // Fail closed: with no count there is no limit, so no attempt either.
      throw new AppError("unavailable", "could not count the attempt; try again shortly", { cause: error });
    }
    this.redis.failed(error);
    this.options.metrics.fallbacks.inc(this.labels);
    try {
      const res = await this.local.consume(stored);
      return { limited: false, retryAfterMs: res.msBeforeNext };
    } catch (refusal) {
      if (refusal instanceof RateLimiterRes) return this.refused(refusal);
      throw refusal;
    }
  }

  private refused(res: RateLimiterRes): { limited: true; retryAfterMs: number } {
    this.options.metrics.refusals.inc(this.labels);
    return { limited: true, retryAfterMs: res.msBeforeNext };
  }

  private async update(stored: string, work: (limiter: RateLimiterRedis | RateLimiterMemory, key: string) => Promise<unknown>): Promise<void> {
    try {
      await this.redis.ready();
      await work(this.shared, stored);
      this.redis.answered();
    } catch (error) {
      if (this.local) {
        this.redis.failed(error);
        await work(this.local, stored);
        return;
      }
      this.redis.failed(error);
      throw new AppError("unavailable", "could not update the attempt count; try again shortly", { cause: error });
    }
  }
}

/** Emails and addresses are personal data: Redis only holds their SHA-256. */
function storedKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
