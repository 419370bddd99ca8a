import { makeAdminUsers } from "../../application/admin/users";
import { PrismaUserAdminRepository } from "../../infrastructure/db/prisma-user-admin-repository";
import type { AdminDeps } from "./deps";

/** The back office's users use cases: the list, and promotion or demotion (never of the last admin). */
export function adminUsers(deps: AdminDeps) {
  return makeAdminUsers({ directory: new PrismaUserAdminRepository(deps.prisma), uow: deps.uow });
}
