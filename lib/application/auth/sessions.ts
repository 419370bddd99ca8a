import type { Role, User } from "../../domain/user";
import type { Clock, IdGenerator, Logger } from "../shared";

export interface SessionStore {
  create(session: { id: string; userId: string; createdAt: Date; expiresAt: Date }, signal?: AbortSignal): Promise<void>;
  /** The session's user and times when the session exists and its absolute end (expiresAt) is after `now`. */
  findActive(sessionId: string, now: Date, signal?: AbortSignal): Promise<{ user: User; createdAt: Date; lastSeenAt: Date } | null>;
  /** Records activity: last_seen_at = at. */
  touch(sessionId: string, at: Date, signal?: AbortSignal): Promise<void>;
  delete(sessionId: string, signal?: AbortSignal): Promise<void>;
  /** Ends every session of the user but `exceptSessionId`; returns how many ended. */
  deleteAllForUser(userId: string, exceptSessionId?: string, signal?: AbortSignal): Promise<number>;
}

/** How long a session lives without a request (idle) and at most after sign-in (absolute). */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}
export type SessionPolicies = Record<Role, SessionPolicy>;

const MINUTE = 60_000;
/** The defaults of env.ts: an admin's session is worth more to a thief, so it lives much shorter. */
export const DEFAULT_SESSION_POLICIES: SessionPolicies = {
  customer: { idleMs: 7 * 24 * 60 * MINUTE, absoluteMs: 30 * 24 * 60 * MINUTE },
  admin: { idleMs: 30 * MINUTE, absoluteMs: 12 * 60 * MINUTE },
};

/**
 * The session cookie's own lifetime (next-auth's maxAge, renewed as it is
 * used): the longest absolute lifetime env.ts allows, so the server's row, not
 * the cookie, decides when a session ends.
 */
export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * Activity is written at most this often per session: resolving a session is
 * on every signed-in request, and a write per request would cost the hot path
 * (docs/decisions/012-performance.md). The idle timeout is therefore exact to
 * within this interval.
 */
export const TOUCH_INTERVAL_MS = MINUTE;

export type SessionEnd = "idle" | "absolute";

export function makeSessions(deps: {
  sessions: SessionStore;
  ids: IdGenerator;
  clock: Clock;
  policies?: SessionPolicies;
  log?: Logger;
  onEnded?: (reason: SessionEnd) => void;
}) {
  const policies = deps.policies ?? DEFAULT_SESSION_POLICIES;
  return {
    /**
     * A new server-side session for a sign-in, always under a new id; the
     * session the browser had before (`replacing`), if any, ends, so a sign-in
     * never continues a session id that existed before it.
     */
    async start(user: Pick<User, "id" | "role">, options: { replacing?: string | null } = {}, signal?: AbortSignal): Promise<{ sessionId: string; expiresAt: Date }> {
      const now = deps.clock.now();
      const id = deps.ids.uuid();
      const expiresAt = new Date(now.getTime() + policies[user.role].absoluteMs);
      await deps.sessions.create({ id, userId: user.id, createdAt: now, expiresAt }, signal);
      if (options.replacing && options.replacing !== id) await deps.sessions.delete(options.replacing, signal);
      return { sessionId: id, expiresAt };
    },

    /**
     * The session's user, or null when it does not exist or has ended. The
     * timeouts are those of the user's role now, not at sign-in: a shopper made
     * an admin gets an admin's limits on the next request.
     */
    async resolve(sessionId: string, signal?: AbortSignal): Promise<User | null> {
      const now = deps.clock.now();
      const found = await deps.sessions.findActive(sessionId, now, signal);
      if (!found) return null;
      const policy = policies[found.user.role];
      const ended: SessionEnd | null =
        now.getTime() - found.createdAt.getTime() >= policy.absoluteMs ? "absolute" : now.getTime() - found.lastSeenAt.getTime() >= policy.idleMs ? "idle" : null;
      if (ended) {
        await deps.sessions.delete(sessionId, signal);
        deps.onEnded?.(ended);
        deps.log?.info("session ended", { reason: ended, userId: found.user.id });
        return null;
      }
      if (now.getTime() - found.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) await deps.sessions.touch(sessionId, now, signal);
      return found.user;
    },

    end(sessionId: string, signal?: AbortSignal): Promise<void> {
      return deps.sessions.delete(sessionId, signal);
    },
  };
}

export type Sessions = ReturnType<typeof makeSessions>;
