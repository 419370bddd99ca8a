import type { PasswordHasher } from "./ports";

export interface AdminCredentialStore {
  /**
   * The oldest `limit` admins with their password hashes (the seeded admin is
   * the oldest). The hashes go no further than this use case.
   */
  adminCredentials(limit: number, signal?: AbortSignal): Promise<{ email: string; passwordHash: string }[]>;
}

/**
 * Finds admins whose password is still one the project documented as a default
 * (the seed's ADMIN_PASSWORD in docker-compose.yml, .env.example, README):
 * production refuses to start while one exists (OWASP ASVS V6.3.2). Verifying
 * the stored hash catches an admin seeded before the guard existed, or seeded
 * outside production, which a check of the ADMIN_PASSWORD variable would miss.
 * Each check is an argon2 verification (~20-50 ms here), so only the oldest
 * `maxAdmins` are checked, two at a time: a start stays well under a second.
 */
export function makeFindAdminsWithDefaultPassword(deps: {
  admins: AdminCredentialStore;
  hasher: PasswordHasher;
  defaults: readonly string[];
  maxAdmins?: number;
}) {
  const maxAdmins = deps.maxAdmins ?? 10;
  return async function findAdminsWithDefaultPassword(signal?: AbortSignal): Promise<string[]> {
    const admins = await deps.admins.adminCredentials(maxAdmins, signal);
    const checks = admins.flatMap((admin) => deps.defaults.map((password) => ({ admin, password })));
    const found = new Set<string>();
    // Two at a time: argon2 runs on libuv's pool, and the machine may have two cores.
    for (let i = 0; i < checks.length; i += 2) {
      signal?.throwIfAborted();
      const pair = checks.slice(i, i + 2);
      const results = await Promise.all(pair.map((c) => deps.hasher.verify(c.admin.passwordHash, c.password)));
      pair.forEach((c, j) => results[j] && found.add(c.admin.email));
    }
    return admins.map((a) => a.email).filter((email) => found.has(email));
  };
}
