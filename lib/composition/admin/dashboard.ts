import type { AdminDeps } from "../admin";

/** The back office's dashboard use cases. */
export function adminDashboard(_deps: AdminDeps) {
  return {};
}
