import { hash, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "../../application/auth/ports";

/**
 * argon2id (the library's default algorithm) with OWASP's minimum
 * parameters: 19 MiB memory, 2 iterations, 1 lane.
 */
export class Argon2PasswordHasher implements PasswordHasher {
  constructor(private readonly params = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }) {}

  hash(password: string): Promise<string> {
    return hash(password, this.params);
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      // A malformed stored hash is a failed login, not a crash.
      return false;
    }
  }
}
