import { makeAdminStock } from "../../application/admin/stock";
import { PrismaStockLedgerRepository } from "../../infrastructure/db/prisma-stock-ledger-repository";
import type { AdminDeps } from "./deps";

/** The back office's stock use cases. */
export function adminStock(deps: AdminDeps) {
  return makeAdminStock({
    uow: deps.uow,
    queries: new PrismaStockLedgerRepository(deps.prisma),
    ids: deps.ids,
    clock: deps.clock,
    catalogCache: deps.catalogCache,
  });
}
