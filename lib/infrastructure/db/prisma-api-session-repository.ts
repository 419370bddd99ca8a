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
    const select = { id: true, userId: true, expiresAt: true, revokedAt: true } as const;
    const current = await this.db.apiSession.findUnique({ where: { refreshTokenHash: hash }, select });
    if (current) return { ...current, current: true };
    // Any token the session ever exchanged, not only the last: a copy taken
    // several refreshes ago is as much a theft as one taken just before.
    const used = await this.db.apiUsedRefreshToken.findUnique({ where: { hash }, select: { session: { select } } });
    return used ? { ...used.session, current: false } : null;
  }

  async rotate(id: string, from: string, to: string, at: Date): Promise<boolean> {
    // One statement: the compare-and-set and the record of the used token
    // commit together, so no used token is ever forgotten.
    const rows = await this.db.$queryRaw<{ session_id: string }[]>`
      WITH rotated AS (
        UPDATE api_sessions SET refresh_token_hash = ${to}, refreshed_at = ${at}
        WHERE id = ${id}::uuid AND refresh_token_hash = ${from} AND revoked_at IS NULL
        RETURNING id
      )
      INSERT INTO api_used_refresh_tokens (hash, session_id, used_at)
      SELECT ${from}, id, ${at} FROM rotated
      RETURNING session_id`;
    return rows.length === 1;
  }

  async revoke(id: string, at: Date): Promise<void> {
    await this.db.apiSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
  }

  async revokeAllForUser(userId: string, at: Date): Promise<number> {
    const { count } = await this.db.apiSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: at } });
    return count;
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
