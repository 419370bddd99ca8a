import type { AdminDeps } from "../admin";

/** The back office's stock use cases. */
export function adminStock(_deps: AdminDeps) {
  return {};
}
