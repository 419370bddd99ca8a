import { AppError } from "../../domain/errors";
import type { Role } from "../../domain/user";

/** Who is asking: resolved from the server-side session on every request, never from the client. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
}

/**
 * The back office's one rule: only an admin. Every admin use case calls this
 * first, whatever its caller (page, server action, route handler, script)
 * already checked; a check in a page or layout does not protect the actions
 * defined in it.
 */
export function requireAdmin<A extends Actor>(actor: A | null | undefined): A {
  if (!actor) throw new AppError("unauthenticated", "Please sign in first.");
  if (actor.role !== "admin") throw new AppError("forbidden", "Only an admin can do that.");
  return actor;
}
