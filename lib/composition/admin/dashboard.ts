import { makeAdminDashboard } from "../../application/admin/dashboard";
import { PrismaDashboardQueries } from "../../infrastructure/db/prisma-dashboard-queries";
import type { AdminDeps } from "./deps";

/** The back office's dashboard, in the shop's time zone (SHOP_TIME_ZONE). */
export function adminDashboard(deps: AdminDeps) {
  return makeAdminDashboard({ queries: new PrismaDashboardQueries(deps.prisma), clock: deps.clock, timeZone: deps.env.SHOP_TIME_ZONE });
}
