import { makeAdminOrders } from "../../application/admin/orders";
import { PrismaOrderAdminRepository } from "../../infrastructure/db/prisma-order-admin-repository";
import type { AdminDeps } from "./deps";

/** The back office's orders use cases. */
export function adminOrders(deps: AdminDeps) {
  const { list, get, ship, complete, cancel } = makeAdminOrders({
    uow: deps.uow,
    reader: new PrismaOrderAdminRepository(deps.prisma),
    ids: deps.ids,
    clock: deps.clock,
  });
  return { list, get, ship, complete, cancel };
}
