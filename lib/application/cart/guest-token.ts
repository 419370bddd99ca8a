import { createHash, randomBytes } from "node:crypto";
import type { CartOwner } from "../../domain/cart";

/** 32 random bytes, base64url: what a guest cart cookie holds. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function newGuestCartToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The owner a guest cart token stands for, or null for anything that is not a
 * token we could have issued. Only the SHA-256 reaches storage: a leaked table
 * does not hand out carts. A plain hash is enough because the token is 256
 * random bits, not a guessable secret.
 */
export function guestCartOwner(token: string | undefined | null): CartOwner | null {
  if (!token || !TOKEN.test(token)) return null;
  return { kind: "guest", tokenHash: createHash("sha256").update(token).digest("hex") };
}
