import type { AdminDeps } from "../admin";

/** The back office's users use cases. */
export function adminUsers(_deps: AdminDeps) {
  return {};
}
