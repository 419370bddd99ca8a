import { createHash } from "node:crypto";
import type pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import type { AttemptCounter } from "../../application/auth/authenticate";
import { AppError } from "../../domain/errors";

/**
 * An AttemptCounter over rate-limiter-flexible's RateLimiterPostgres: one row
 * per key in `rate_limits` (created by a migration, never by the library at
 * run time), counted with one atomic INSERT ... ON CONFLICT DO UPDATE, so every
 * web instance shares the counts and parallel attempts cannot overshoot.
 * Fixed window: it starts at a key's first attempt.
 */
export class PostgresAttemptCounter implements AttemptCounter {
  private readonly limiter: RateLimiterPostgres;

  constructor(pool: pg.Pool, options: { name: string; attempts: number; windowMs: number }) {
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      keyPrefix: options.name,
      points: options.attempts,
      duration: Math.ceil(options.windowMs / 1000),
    });
  }

  async hit(key: string): Promise<{ limited: boolean; retryAfterMs: number }> {
    try {
      const res = await this.limiter.consume(storedKey(key));
      return { limited: false, retryAfterMs: res.msBeforeNext };
    } catch (error) {
      // The library rejects with its result object when the limit is exceeded,
      // and with the driver's error when the database fails.
      if (error instanceof RateLimiterRes) return { limited: true, retryAfterMs: error.msBeforeNext };
      // Fail closed: with no count there is no limit, so no request either.
      throw new AppError("unavailable", "could not count the attempt; try again shortly", { cause: error });
    }
  }

  async forgive(key: string): Promise<void> {
    await this.wrap(() => this.limiter.reward(storedKey(key), 1));
  }

  async reset(key: string): Promise<void> {
    await this.wrap(() => this.limiter.delete(storedKey(key)));
  }

  private async wrap(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      throw new AppError("unavailable", "could not update the attempt count; try again shortly", { cause: error });
    }
  }
}

/** Emails and addresses are personal data: the table only holds their SHA-256 (which also fits varchar(255)). */
function storedKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}
