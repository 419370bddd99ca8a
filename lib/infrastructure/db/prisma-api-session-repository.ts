import type { ApiSessionStore } from "../../application/auth/api-tokens";
import type { User } from "../../domain/user";
import { toUser } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaApiSessionRepository implements ApiSessionStore {
  constructor(private readonly db: Db) {}

  async create(session: { id: string; userId: string; refreshTokenHash: string; expiresAt: Date }): Promise<void> {
    await this.db.apiSession.create({ data: session, select: { id: true } });
  }

  async findByRefreshHash(hash: string) {
    const row = await this.db.apiSession.findFirst({
      where: { OR: [{ refreshTokenHash: hash }, { previousRefreshTokenHash: hash }] },
      select: { id: true, userId: true, refreshTokenHash: true, expiresAt: true, revokedAt: true },
    });
    return row ? { id: row.id, userId: row.userId, current: row.refreshTokenHash === hash, expiresAt: row.expiresAt, revokedAt: row.revokedAt } : null;
  }

  async rotate(id: string, from: string, to: string, at: Date): Promise<boolean> {
    const { count } = await this.db.apiSession.updateMany({
      where: { id, refreshTokenHash: from, revokedAt: null },
      data: { refreshTokenHash: to, previousRefreshTokenHash: from, refreshedAt: at },
    });
    return count === 1;
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db.apiSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }

  async findActiveUser(id: string, now: Date): Promise<User | null> {
    // A session id comes from a token we signed, but is text to this query.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    // Every API request asks this: one joined query rather than the session and then its user.
    const rows = await this.db.$queryRaw<{ id: string; email: string; name: string; role: "customer" | "admin" }[]>`
      SELECT u.id, u.email, u.name, u.role::text AS role
      FROM api_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${id}::uuid AND s.revoked_at IS NULL AND s.expires_at > ${now}`;
    return rows[0] ? toUser(rows[0]) : null;
  }
}
