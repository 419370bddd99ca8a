import type { Db } from "./prisma-client";

/** The back office's users and roles as the back office manages them. */
export class PrismaUserAdminRepository {
  constructor(private readonly db: Db) {}
}
