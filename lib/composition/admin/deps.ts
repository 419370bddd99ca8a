/**
 * What every back-office area (./dashboard, ./orders, ...) is wired from. Its
 * own module, so the areas and ../admin.ts (which assembles them) do not import
 * each other.
 */
import type { CatalogCache } from "../../application/catalog/catalog-cache";
import type { Clock, IdGenerator, Logger } from "../../application/shared";
import type { Env } from "../../infrastructure/config/env";
import type { PrismaClient } from "../../infrastructure/db/prisma-client";
import type { PrismaUnitOfWork } from "../../infrastructure/db/prisma-unit-of-work";

export interface AdminDeps {
  prisma: PrismaClient;
  uow: PrismaUnitOfWork;
  clock: Clock;
  ids: IdGenerator;
  env: Env;
  /** Invalidate after every committed catalog write (other instances hear it through PostgreSQL). */
  catalogCache: CatalogCache;
  log: Logger;
}
