import type { Db } from "./prisma-client";

/** The back office's products, categories and images as the back office edits them. */
export class PrismaProductAdminRepository {
  constructor(private readonly db: Db) {}
}
