import { normalizeEmail, type User } from "../../domain/user";
import type { PasswordHasher } from "./ports";

export interface CredentialStore {
  /** The only place a password hash is read; it goes no further than this use case. */
  findCredentials(email: string, signal?: AbortSignal): Promise<{ user: User; passwordHash: string } | null>;
}

/**
 * Counts attempts per key in a window shared by every web instance. Owned by
 * this use case: sign-in throttling is the only thing that counts.
 */
export interface AttemptCounter {
  /**
   * Counts one attempt, atomically: of N concurrent hits on a fresh key with a
   * limit of L, exactly min(N, L) are not limited.
   */
  hit(key: string, signal?: AbortSignal): Promise<{ limited: boolean; retryAfterMs: number }>;
  /** Takes one attempt back. */
  forgive(key: string, signal?: AbortSignal): Promise<void>;
  reset(key: string, signal?: AbortSignal): Promise<void>;
}

/** Against password guessing: per account, and per client address across accounts. */
export const SIGN_IN_LIMITS = {
  perEmail: { attempts: 5, windowMs: 15 * 60_000 },
  perIp: { attempts: 20, windowMs: 15 * 60_000 },
} as const;

export type AuthenticationResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "throttled"; retryAfterMs: number };

export interface Credentials {
  email: string;
  password: string;
  /** The client's address when known; attempts without one are limited per email only. */
  ip?: string | null;
}

export function makeAuthenticate(deps: {
  credentials: CredentialStore;
  hasher: PasswordHasher;
  dummyHash: string;
  attempts: { perEmail: AttemptCounter; perIp: AttemptCounter };
}) {
  return async function authenticate(input: Credentials, signal?: AbortSignal): Promise<AuthenticationResult> {
    const email = normalizeEmail(input.email);
    const ip = input.ip ?? null;
    // Every attempt is counted before the password is checked, not after it
    // failed: otherwise parallel guesses would all pass the check before any was
    // counted. A success gives its attempt back below.
    const [byEmail, byIp] = await Promise.all([
      deps.attempts.perEmail.hit(email, signal),
      ip ? deps.attempts.perIp.hit(ip, signal) : Promise.resolve({ limited: false, retryAfterMs: 0 }),
    ]);
    if (byEmail.limited || byIp.limited) {
      // Refused before the hash is read: a right password does not get through
      // either, and the answer is the same whether or not the account exists.
      const retryAfterMs = Math.max(byEmail.limited ? byEmail.retryAfterMs : 0, byIp.limited ? byIp.retryAfterMs : 0);
      return { ok: false, reason: "throttled", retryAfterMs };
    }

    const found = await deps.credentials.findCredentials(email, signal);
    // Verify against a dummy hash when the account does not exist, so response
    // time does not reveal which emails are registered.
    const ok = await deps.hasher.verify(found?.passwordHash ?? deps.dummyHash, input.password);
    if (!found || !ok) return { ok: false, reason: "invalid" };

    // The account's owner proved it: earlier failures on it no longer count. The
    // address only gets this one attempt back, or an attacker could clear their
    // address's count by signing in to an account of their own now and then.
    await Promise.all([deps.attempts.perEmail.reset(email, signal), ip ? deps.attempts.perIp.forgive(ip, signal) : undefined]);
    return { ok: true, user: found.user };
  };
}
