import { createHash, randomBytes } from "node:crypto";
import { AppError } from "../../domain/errors";
import type { User } from "../../domain/user";
import type { Clock, IdGenerator } from "../shared";
import type { Credentials, AuthenticationResult } from "./authenticate";

/** Port: API sessions (api_sessions). Refresh tokens are stored as SHA-256 only. */
export interface ApiSessionStore {
  create(session: { id: string; userId: string; refreshTokenHash: string; expiresAt: Date }, signal?: AbortSignal): Promise<void>;
  /** The session whose current refresh hash this is, or which ever issued it before (current: false). */
  findByRefreshHash(hash: string, signal?: AbortSignal): Promise<{ id: string; userId: string; current: boolean; expiresAt: Date; revokedAt: Date | null } | null>;
  /** Compare-and-set: replaces `from` with `to`, remembering `from` for the session's life; false when `from` is no longer current. */
  rotate(id: string, from: string, to: string, at: Date, signal?: AbortSignal): Promise<boolean>;
  revoke(id: string, at: Date, signal?: AbortSignal): Promise<void>;
  /** Revokes every live session of the user; returns how many. */
  revokeAllForUser(userId: string, at: Date, signal?: AbortSignal): Promise<number>;
  /** The session's user when it exists, is not revoked and has not expired. */
  findActiveUser(id: string, now: Date, signal?: AbortSignal): Promise<User | null>;
}

/** Port: signs and verifies short-lived access tokens (claims: the session and the user). */
export interface AccessTokenSigner {
  sign(claims: { sid: string; sub: string }, expiresInSeconds: number): Promise<string>;
  /** The claims of a valid, unexpired token; null for anything else. */
  verify(token: string): Promise<{ sid: string; sub: string } | null>;
}

export interface TokenPair {
  tokenType: "Bearer";
  accessToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export const API_TOKEN_LIFETIMES = { accessSeconds: 15 * 60, refreshSeconds: 30 * 24 * 60 * 60 };

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newRefreshToken = () => `rt_${randomBytes(32).toString("base64url")}`;

/**
 * Bearer tokens for API clients: email + password → a short-lived signed access
 * token and a refresh token. Every refresh rotates the refresh token; any
 * earlier one of the session presented again revokes the whole session (the
 * token family). Revoking ends the session, and with it
 * every access token naming it, at once.
 */
export function makeApiTokens(deps: {
  sessions: ApiSessionStore;
  signer: AccessTokenSigner;
  authenticate: (input: Credentials, signal?: AbortSignal) => Promise<AuthenticationResult>;
  ids: IdGenerator;
  clock: Clock;
  lifetimes?: typeof API_TOKEN_LIFETIMES;
  /** A used refresh token came back: someone holds a copy. Operators watch this (log and metric). */
  onReuse?: (session: { id: string; userId: string }) => void;
}) {
  const lifetimes = deps.lifetimes ?? API_TOKEN_LIFETIMES;

  /** `refreshExpiresIn`: what is left of the session; rotating a refresh token does not extend it. */
  async function pair(sessionId: string, userId: string, refreshToken: string, refreshExpiresIn: number): Promise<TokenPair> {
    return {
      tokenType: "Bearer",
      accessToken: await deps.signer.sign({ sid: sessionId, sub: userId }, lifetimes.accessSeconds),
      expiresIn: lifetimes.accessSeconds,
      refreshToken,
      refreshExpiresIn,
    };
  }

  const invalid = () => new AppError("unauthenticated", "The refresh token is invalid, expired or revoked.");

  return {
    /** Exchanges credentials for tokens. Wrong credentials are an AppError("unauthenticated"); throttling is returned, with how long to wait. */
    async issue(input: Credentials, signal?: AbortSignal): Promise<TokenPair | { throttled: true; retryAfterMs: number }> {
      const result = await deps.authenticate(input, signal);
      if (!result.ok) {
        if (result.reason === "throttled") return { throttled: true, retryAfterMs: result.retryAfterMs };
        throw new AppError("unauthenticated", "Email or password is incorrect.");
      }
      const id = deps.ids.uuid();
      const refreshToken = newRefreshToken();
      const expiresAt = new Date(deps.clock.now().getTime() + lifetimes.refreshSeconds * 1000);
      await deps.sessions.create({ id, userId: result.user.id, refreshTokenHash: hash(refreshToken), expiresAt }, signal);
      return pair(id, result.user.id, refreshToken, lifetimes.refreshSeconds);
    },

    async refresh(refreshToken: string, signal?: AbortSignal): Promise<TokenPair> {
      const now = deps.clock.now();
      const found = await deps.sessions.findByRefreshHash(hash(refreshToken), signal);
      if (!found || found.revokedAt !== null || found.expiresAt <= now) throw invalid();
      if (!found.current) {
        // The token was already exchanged: whoever presents it again holds a copy.
        await deps.sessions.revoke(found.id, now, signal);
        deps.onReuse?.({ id: found.id, userId: found.userId });
        throw invalid();
      }
      const next = newRefreshToken();
      if (!(await deps.sessions.rotate(found.id, hash(refreshToken), hash(next), now, signal))) {
        // Two refreshes with one token at once: one wins, the other is a reuse.
        await deps.sessions.revoke(found.id, now, signal);
        throw invalid();
      }
      return pair(found.id, found.userId, next, Math.ceil((found.expiresAt.getTime() - now.getTime()) / 1000));
    },

    /** Ends the session named by a refresh token or an access token. Unknown tokens are ignored (RFC 7009). */
    async revoke(token: string, signal?: AbortSignal): Promise<void> {
      const now = deps.clock.now();
      const claims = await deps.signer.verify(token);
      if (claims) return deps.sessions.revoke(claims.sid, now, signal);
      const found = await deps.sessions.findByRefreshHash(hash(token), signal);
      if (found) await deps.sessions.revoke(found.id, now, signal);
    },

    /** The user an access token speaks for, or null (bad signature, expired, session revoked or gone). */
    async resolve(accessToken: string, signal?: AbortSignal): Promise<User | null> {
      const claims = await deps.signer.verify(accessToken);
      if (!claims) return null;
      const user = await deps.sessions.findActiveUser(claims.sid, deps.clock.now(), signal);
      return user && user.id === claims.sub ? user : null;
    },
  };
}

export type ApiTokens = ReturnType<typeof makeApiTokens>;
