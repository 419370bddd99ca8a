import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient, Prisma } from "./generated/client";

export type Db = Prisma.TransactionClient;
export { PrismaClient, Prisma };

export function createPrismaClient(databaseUrl: string, options?: { poolSize?: number }): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options?.poolSize ?? 10 });
  return new PrismaClient({ adapter });
}
