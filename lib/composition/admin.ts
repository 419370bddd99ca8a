/**
 * Wires the back office's use cases. Each area lives in its own file under
 * ./admin; they share these dependencies.
 */
import type { CatalogCache } from "../application/catalog/catalog-cache";
import type { Clock, IdGenerator, Logger } from "../application/shared";
import type { Env } from "../infrastructure/config/env";
import type { PrismaClient } from "../infrastructure/db/prisma-client";
import type { PrismaUnitOfWork } from "../infrastructure/db/prisma-unit-of-work";
import { adminDashboard } from "./admin/dashboard";
import { adminOrders } from "./admin/orders";
import { adminProducts } from "./admin/products";
import { adminStock } from "./admin/stock";
import { adminUsers } from "./admin/users";

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

export function createAdminServices(deps: AdminDeps) {
  return {
    products: adminProducts(deps),
    stock: adminStock(deps),
    orders: adminOrders(deps),
    dashboard: adminDashboard(deps),
    users: adminUsers(deps),
  };
}
