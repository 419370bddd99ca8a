import type { NewUser } from "../../application/auth/ports";
import type { User } from "../../domain/user";
import { mapDbError } from "./errors";
import { toUser, userSelect } from "./mappers";
import type { Db } from "./prisma-client";
import { AppError } from "../../domain/errors";
import { isUniqueViolation } from "./errors";

export class PrismaUserRepository {
  constructor(private readonly db: Db) {}

  async create(user: NewUser): Promise<User> {
    try {
      return toUser(await this.db.user.create({ data: user, select: userSelect }));
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AppError("conflict", "An account with this email already exists", {
          cause: error,
          fields: [{ path: "email", message: "An account with this email already exists" }],
        });
      }
      mapDbError(error, "create user");
    }
  }

  async findCredentials(email: string): Promise<{ user: User; passwordHash: string } | null> {
    const row = await this.db.user.findUnique({ where: { email }, select: { ...userSelect, passwordHash: true } });
    if (!row) return null;
    const { passwordHash, ...user } = row;
    return { user: toUser(user), passwordHash };
  }

  /** For the start-up check of default admin passwords (application/auth/default-admin-passwords.ts). */
  async adminCredentials(limit: number): Promise<{ email: string; passwordHash: string }[]> {
    return this.db.user.findMany({
      where: { role: "admin" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: limit,
      select: { email: true, passwordHash: true },
    });
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true } });
  }

  async findByEmail(email: string): Promise<User | null> {
    const row = await this.db.user.findUnique({ where: { email }, select: userSelect });
    return row ? toUser(row) : null;
  }
}
