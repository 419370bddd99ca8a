import type { AdminDeps } from "../admin";

/** The back office's products use cases. */
export function adminProducts(_deps: AdminDeps) {
  return {};
}
