import type { SessionStore } from "../../application/auth/sessions";
import type { User } from "../../domain/user";
import { toUser, userSelect } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaSessionRepository implements SessionStore {
  constructor(private readonly db: Db) {}

  async create(session: { id: string; userId: string; expiresAt: Date }): Promise<void> {
    await this.db.authSession.create({ data: session, select: { id: true } });
  }

  async findActiveUser(sessionId: string, now: Date): Promise<User | null> {
    const row = await this.db.authSession.findFirst({
      where: { id: sessionId, expiresAt: { gt: now } },
      select: { user: { select: userSelect } },
    });
    return row ? toUser(row.user) : null;
  }

  async delete(sessionId: string): Promise<void> {
    await this.db.authSession.deleteMany({ where: { id: sessionId } });
  }
}
