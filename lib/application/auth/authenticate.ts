import { normalizeEmail, type User } from "../../domain/user";
import type { PasswordHasher } from "./ports";

export interface CredentialStore {
  /** The only place a password hash is read; it goes no further than this use case. */
  findCredentials(email: string, signal?: AbortSignal): Promise<{ user: User; passwordHash: string } | null>;
}

export function makeAuthenticate(deps: { credentials: CredentialStore; hasher: PasswordHasher; dummyHash: string }) {
  return async function authenticate(email: string, password: string, signal?: AbortSignal): Promise<User | null> {
    const found = await deps.credentials.findCredentials(normalizeEmail(email), signal);
    // Verify against a dummy hash when the account does not exist, so response
    // time does not reveal which emails are registered.
    const ok = await deps.hasher.verify(found?.passwordHash ?? deps.dummyHash, password);
    return found && ok ? found.user : null;
  };
}
