import type { ApiSessionStore } from "../../application/auth/api-tokens";
import type { User } from "../../domain/user";
import { toUser, userSelect } from "./mappers";
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
    const row = await this.db.apiSession.findFirst({
      where: { id, revokedAt: null, expiresAt: { gt: now } },
      select: { user: { select: userSelect } },
    });
    return row ? toUser(row.user) : null;
  }
}
