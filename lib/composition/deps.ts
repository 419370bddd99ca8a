/**
 * What root.ts hands the areas it wires in files of their own (./auth, ./api,
 * ./worker-services). Its own module, so those files and root.ts do not import
 * each other. The back office has its own (./admin/deps.ts).
 */
import type { Clock, IdGenerator, Logger } from "../application/shared";
import type { Env } from "../infrastructure/config/env";
import type { PrismaClient } from "../infrastructure/db/prisma-client";
import type { PrismaUnitOfWork } from "../infrastructure/db/prisma-unit-of-work";
import type { WebMetrics } from "../infrastructure/observability/metrics";
import type { RedisAttemptCounter, WhenRedisFails } from "../infrastructure/security/redis-attempt-counter";

export interface ServiceDeps {
  prisma: PrismaClient;
  uow: PrismaUnitOfWork;
  clock: Clock;
  ids: IdGenerator;
  env: Env;
  log: Logger;
  metrics: WebMetrics;
  /** A rate limit counted in Redis, shared by every web instance (docs/decisions/012-performance.md). */
  rateLimit: (name: string, limit: { attempts: number; windowMs: number }, whenRedisFails: WhenRedisFails) => RedisAttemptCounter;
}
