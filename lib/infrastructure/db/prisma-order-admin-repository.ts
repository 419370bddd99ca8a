import type { Db } from "./prisma-client";

/** The back office's orders as the back office lists and moves them. */
export class PrismaOrderAdminRepository {
  constructor(private readonly db: Db) {}
}
