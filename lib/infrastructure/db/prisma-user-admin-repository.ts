import type { AdminUserSummary, RoleStore, UserDirectory, UserListCriteria } from "../../application/admin/users";
import type { Role } from "../../domain/user";
import { escapeLike } from "./like";
import { Prisma, type Db } from "./prisma-client";

const summarySelect = { id: true, email: true, name: true, role: true, createdAt: true } as const;

/** The back office's users and roles as the back office manages them. */
export class PrismaUserAdminRepository implements UserDirectory, RoleStore {
  constructor(private readonly db: Db) {}

  async list(criteria: UserListCriteria): Promise<{ users: AdminUserSummary[]; total: number }> {
    const where: Prisma.UserWhereInput = {
      ...(criteria.role ? { role: criteria.role } : {}),
      ...(criteria.query
        ? {
            OR: [
              { email: { contains: escapeLike(criteria.query), mode: "insensitive" } },
              { name: { contains: escapeLike(criteria.query), mode: "insensitive" } },
            ],
          }
        : {}),
    };
    const [users, total] = await Promise.all([
      this.db.user.findMany({ where, select: summarySelect, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip: criteria.offset, take: criteria.limit }),
      this.db.user.count({ where }),
    ]);
    return { users, total };
  }

  async lockAdmins(): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id::text AS id FROM users WHERE role = 'admin' ORDER BY id FOR UPDATE`;
    return rows.map((r) => r.id);
  }

  async lockUser(userId: string): Promise<AdminUserSummary | null> {
    const rows = await this.db.$queryRaw<{ id: string; email: string; name: string; role: Role; createdAt: Date }[]>`
      SELECT id::text AS id, email, name, role::text AS role, created_at AS "createdAt"
      FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
    return rows[0] ?? null;
  }

  async updateRole(userId: string, role: Role): Promise<void> {
    await this.db.user.update({ where: { id: userId }, data: { role }, select: { id: true } });
  }
}
