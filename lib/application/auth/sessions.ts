import type { User } from "../../domain/user";
import type { Clock, IdGenerator } from "../shared";

export interface SessionStore {
  create(session: { id: string; userId: string; expiresAt: Date }, signal?: AbortSignal): Promise<void>;
  /** The session's user when the session exists and has not expired. */
  findActiveUser(sessionId: string, now: Date, signal?: AbortSignal): Promise<User | null>;
  delete(sessionId: string, signal?: AbortSignal): Promise<void>;
}

export const SESSION_TTL_SECONDS = 30 * 24 * 60 * 60;

export function makeSessions(deps: { sessions: SessionStore; ids: IdGenerator; clock: Clock }) {
  return {
    async start(userId: string, signal?: AbortSignal): Promise<{ sessionId: string; expiresAt: Date }> {
      const id = deps.ids.uuid();
      const expiresAt = new Date(deps.clock.now().getTime() + SESSION_TTL_SECONDS * 1000);
      await deps.sessions.create({ id, userId, expiresAt }, signal);
      return { sessionId: id, expiresAt };
    },
    resolve(sessionId: string, signal?: AbortSignal): Promise<User | null> {
      return deps.sessions.findActiveUser(sessionId, deps.clock.now(), signal);
    },
    end(sessionId: string, signal?: AbortSignal): Promise<void> {
      return deps.sessions.delete(sessionId, signal);
    },
  };
}
