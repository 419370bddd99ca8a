import type { SessionStore } from "../../application/auth/sessions";
import type { User } from "../../domain/user";
import { toUser, userSelect } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaSessionRepository implements SessionStore {
  constructor(private readonly db: Db) {}

  async create(session: { id: string; userId: string; createdAt: Date; expiresAt: Date }): Promise<void> {
    await this.db.authSession.create({ data: { ...session, lastSeenAt: session.createdAt }, select: { id: true } });
  }

  async findActive(sessionId: string, now: Date): Promise<{ user: User; createdAt: Date; lastSeenAt: Date } | null> {
    const row = await this.db.authSession.findFirst({
      where: { id: sessionId, expiresAt: { gt: now } },
      select: { createdAt: true, lastSeenAt: true, user: { select: userSelect } },
    });
    return row ? { user: toUser(row.user), createdAt: row.createdAt, lastSeenAt: row.lastSeenAt } : null;
  }

  async touch(sessionId: string, at: Date): Promise<void> {
    // Only forwards: two requests touching at once never move it back.
    await this.db.authSession.updateMany({ where: { id: sessionId, lastSeenAt: { lt: at } }, data: { lastSeenAt: at } });
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.authSession.deleteMany({ where: { id: sessionId } });
  }

  async deleteAllForUser(userId: string, exceptSessionId?: string): Promise<number> {
    const { count } = await this.db.authSession.deleteMany({ where: { userId, ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}) } });
    return count;
  }
}
