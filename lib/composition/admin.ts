/**
 * Wires the back office's use cases. Each area lives in its own file under
 * ./admin; they share these dependencies.
 */
import type { AdminDeps } from "./admin/deps";
import { adminDashboard } from "./admin/dashboard";
import { adminOrders } from "./admin/orders";
import { adminProducts } from "./admin/products";
import { adminStock } from "./admin/stock";
import { adminUsers } from "./admin/users";

export type { AdminDeps } from "./admin/deps";

export function createAdminServices(deps: AdminDeps) {
  return {
    products: adminProducts(deps),
    stock: adminStock(deps),
    orders: adminOrders(deps),
    dashboard: adminDashboard(deps),
    users: adminUsers(deps),
  };
}
