/**
 * Wires who a shopper or an admin is: sign-in, registration, browser sessions,
 * API tokens and account security (root.ts's `auth`).
 */
import { makeAuthenticate, SIGN_IN_LIMITS } from "../application/auth/authenticate";
import { makeRegisterUser } from "../application/auth/register-user";
import { makeFindAdminsWithDefaultPassword } from "../application/auth/default-admin-passwords";
import { makeApiTokens } from "../application/auth/api-tokens";
import { makeSessions } from "../application/auth/sessions";
import { makeAccountSecurity } from "../application/auth/account-security";
import { KNOWN_DEFAULT_ADMIN_PASSWORDS } from "../infrastructure/config/known-defaults";
import { PrismaApiSessionRepository } from "../infrastructure/db/prisma-api-session-repository";
import { PrismaSessionRepository } from "../infrastructure/db/prisma-session-repository";
import { PrismaUserRepository } from "../infrastructure/db/prisma-user-repository";
import { Argon2PasswordHasher } from "../infrastructure/security/argon2-password-hasher";
import { JoseAccessTokenSigner } from "../infrastructure/security/jose-access-token-signer";
import type { ServiceDeps } from "./deps";

/** Hash of a random password nobody knows: verified against when an email is unknown. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$8cbtHsIBRATb5zuUisOlhg$b/h8iUbV+0K5HHQ9rvz8D1z7JEbMm+dCEJgAiIX50Ts";
const minute = 60_000;

/** `tokenSecret`: the key API access tokens are signed with (root.ts picks it). */
export function createAuthServices(deps: ServiceDeps, { tokenSecret }: { tokenSecret: string }) {
  const { prisma, uow, clock, ids, env, log, metrics, rateLimit } = deps;
  const hasher = new Argon2PasswordHasher();
  const users = new PrismaUserRepository(prisma);

  const authenticate = makeAuthenticate({
    credentials: users,
    hasher,
    dummyHash: DUMMY_HASH,
    // Fail closed: without Redis nobody signs in, rather than guessers guessing unlimited.
    attempts: {
      perEmail: rateLimit("sign_in_email", SIGN_IN_LIMITS.perEmail, "refuse"),
      perIp: rateLimit("sign_in_ip", SIGN_IN_LIMITS.perIp, "refuse"),
    },
  });

  return {
    /** Admins whose password is still a documented default: production refuses to start while there are any (startup.ts). */
    findAdminsWithDefaultPassword: makeFindAdminsWithDefaultPassword({ admins: users, hasher, defaults: KNOWN_DEFAULT_ADMIN_PASSWORDS }),
    registerUser: makeRegisterUser({
      uow,
      hasher,
      ids,
      clock,
      // Counted in this instance's memory while Redis is away: registration stays up, limited per instance.
      attempts: {
        perIp: rateLimit("register_ip", { attempts: env.REGISTRATION_LIMIT_PER_IP_PER_HOUR, windowMs: 60 * minute }, "count-here"),
        global: rateLimit("register_all", { attempts: env.REGISTRATION_LIMIT_PER_MINUTE, windowMs: minute }, "count-here"),
      },
      log,
      onTakenEmail: () => metrics.authEvents.inc({ event: "registration_existing_email" }),
    }),
    authenticate,
    /** Bearer tokens for API clients. */
    apiTokens: makeApiTokens({
      sessions: new PrismaApiSessionRepository(prisma),
      signer: new JoseAccessTokenSigner(tokenSecret),
      authenticate,
      ids,
      clock,
      onReuse: (session) => {
        metrics.authEvents.inc({ event: "refresh_token_reuse" });
        log.warn("a used API refresh token was presented again; its session is revoked", { apiSessionId: session.id, userId: session.userId });
      },
    }),
    /** Password change and "sign out everywhere" for a signed-in shopper. */
    accountSecurity: makeAccountSecurity({ uow, authenticate, hasher, clock, log, onEvent: (event) => metrics.authEvents.inc({ event }) }),
    sessions: makeSessions({
      sessions: new PrismaSessionRepository(prisma),
      ids,
      clock,
      policies: {
        customer: { idleMs: env.SESSION_IDLE_MINUTES * minute, absoluteMs: env.SESSION_ABSOLUTE_HOURS * 60 * minute },
        admin: { idleMs: env.ADMIN_SESSION_IDLE_MINUTES * minute, absoluteMs: env.ADMIN_SESSION_ABSOLUTE_HOURS * 60 * minute },
      },
      log,
      onEnded: (reason) => metrics.authEvents.inc({ event: `session_${reason}` }),
    }),
  };
}
