/**
 * Wires what every API request goes through before its use case (root.ts's
 * `api`, used by app/api/v1/_lib/handle.ts): rate limits and Idempotency-Key handling.
 */
import { createHmac } from "node:crypto";
import { makeIdempotency } from "../application/api/idempotency";
import { PrismaIdempotencyRepository } from "../infrastructure/db/prisma-idempotency-repository";
import type { ServiceDeps } from "./deps";

const minute = 60_000;

/** `fingerprintSecret`: the key request bodies are fingerprinted with (root.ts picks it). */
export function createApiServices(deps: Pick<ServiceDeps, "prisma" | "clock" | "ids" | "env" | "log" | "rateLimit">, { fingerprintSecret }: { fingerprintSecret: string }) {
  const { prisma, clock, ids, env, log, rateLimit } = deps;
  return {
    /**
     * Fingerprint of an idempotent request's body: keyed (HMAC), because a body
     * may hold a card number, which a plain hash plus its last four digits would give away.
     * Its own key (REQUEST_FINGERPRINT_SECRET): changing it makes stored fingerprints
     * mismatch, so a retry within the key's 24 hours is answered 422 rather than replayed.
     */
    hashRequest: (canonicalBody: string) => createHmac("sha256", fingerprintSecret).update(canonicalBody).digest("hex"),
    /** Idempotency-Key handling for API writes. */
    idempotency: makeIdempotency({ store: new PrismaIdempotencyRepository(prisma), clock, ids, log }),
    /**
     * Request counters for the API, shared by every web instance through Redis.
     * Without Redis each instance counts on its own, so the API stays up.
     */
    rateLimits: {
      perIp: rateLimit("api_ip", { attempts: env.API_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      perUser: rateLimit("api_user", { attempts: env.API_USER_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      authPerIp: rateLimit("api_auth_ip", { attempts: env.API_AUTH_RATE_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
    },
  };
}
