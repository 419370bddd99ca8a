import type { AdminDeps } from "../admin";

/** The back office's orders use cases. */
export function adminOrders(_deps: AdminDeps) {
  return {};
}
