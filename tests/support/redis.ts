// Rate limits against the real Redis (REDIS_URL, default redis://127.0.0.1:6379;
// scripts/test.sh starts one if none answers). Each test names its own key
// prefix, so test files, and test runs, never share a count.
import { createHash, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { createRateLimitMetrics, type RateLimitMetrics } from "@/lib/infrastructure/observability/metrics";
import { RedisConnection } from "@/lib/infrastructure/redis/redis-connection";
import { RedisAttemptCounter, type WhenRedisFails } from "@/lib/infrastructure/security/redis-attempt-counter";

export const redisUrl = () => process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Nothing listens on port 1: every connection is refused at once. */
export const UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1";

export const uniqueKeyPrefix = () => `test:${randomUUID().slice(0, 8)}:`;

/** The key a counter stores for `key` (its SHA-256, after prefix and limit name). */
export const redisKeyOf = (keyPrefix: string, name: string, key: string) => `${keyPrefix}${name}:${createHash("sha256").update(key).digest("hex")}`;

/** A plain client for arranging and asserting, independent of the code under test. */
export const plainRedis = () => new Redis(redisUrl(), { lazyConnect: true });

export function counterOn(
  connection: RedisConnection,
  options: { name?: string; attempts: number; windowMs?: number; whenRedisFails?: WhenRedisFails; keyPrefix: string; metrics?: RateLimitMetrics },
) {
  return new RedisAttemptCounter(connection, {
    name: options.name ?? "t",
    attempts: options.attempts,
    windowMs: options.windowMs ?? 60_000,
    whenRedisFails: options.whenRedisFails ?? "refuse",
    keyPrefix: options.keyPrefix,
    metrics: options.metrics ?? createRateLimitMetrics(),
  });
}

export { RedisConnection };

/**
 * Drops every rate-limit count of the shop on `databaseUrl` (the default key
 * prefix, storefront:<database name>:). Counts remembered in a process's memory
 * (refused keys) are the services' own: build them anew to forget those too.
 */
export async function forgetRateLimits(databaseUrl: string): Promise<void> {
  const prefix = `storefront:${decodeURIComponent(new URL(databaseUrl).pathname.slice(1))}:`;
  const client = plainRedis();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanStream({ match: `${prefix}*`, count: 500 })) keys.push(...(batch as string[]));
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}
