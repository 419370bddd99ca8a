import type { Db } from "./prisma-client";

/** The back office's stock adjustments, the ledger and low-stock queries. */
export class PrismaStockLedgerRepository {
  constructor(private readonly db: Db) {}
}
