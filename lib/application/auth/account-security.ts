import { AppError } from "../../domain/errors";
import type { User } from "../../domain/user";
import type { Clock, Logger, UnitOfWork } from "../shared";
import type { AuthenticationResult, Credentials } from "./authenticate";
import type { PasswordHasher } from "./ports";

/** What storefront_auth_events_total counts. */
export type AuthEvent =
  | "refresh_token_reuse"
  | "session_idle"
  | "session_absolute"
  | "password_changed"
  | "signed_out_everywhere"
  | "registration_existing_email";

/** Ports of this use case, all bound to one transaction. */
export interface AccountSecurityRepos {
  users: { setPasswordHash(userId: string, passwordHash: string, signal?: AbortSignal): Promise<void> };
  authSessions: { deleteAllForUser(userId: string, exceptSessionId?: string, signal?: AbortSignal): Promise<number> };
  apiSessions: { revokeAllForUser(userId: string, at: Date, signal?: AbortSignal): Promise<number> };
}

export interface ChangePasswordInput {
  user: User;
  currentPassword: string;
  newPassword: string;
  /** The client's address: a wrong current password counts against it like a failed sign-in. */
  ip: string | null;
  /** The browser session the change is made from, which stays signed in; null from the API. */
  keepSessionId: string | null;
}

/**
 * A shopper's own account security: changing the password and signing out
 * everywhere. Both end every other browser session and every API session of
 * the account in the same transaction as the change, so whoever holds a stolen
 * cookie or token loses it at the moment the owner acts.
 */
export function makeAccountSecurity(deps: {
  uow: UnitOfWork<AccountSecurityRepos>;
  authenticate: (input: Credentials, signal?: AbortSignal) => Promise<AuthenticationResult>;
  hasher: PasswordHasher;
  clock: Clock;
  log?: Logger;
  onEvent?: (event: AuthEvent) => void;
}) {
  async function endOthers(repos: AccountSecurityRepos, userId: string, keepSessionId: string | null, signal?: AbortSignal) {
    const browserSessions = await repos.authSessions.deleteAllForUser(userId, keepSessionId ?? undefined, signal);
    const apiSessions = await repos.apiSessions.revokeAllForUser(userId, deps.clock.now(), signal);
    return { browserSessions, apiSessions };
  }

  return {
    async changePassword(input: ChangePasswordInput, signal?: AbortSignal): Promise<void> {
      // The current password is checked as a sign-in would be, throttle
      // included: a stolen session must not become an unlimited password oracle.
      const check = await deps.authenticate({ email: input.user.email, password: input.currentPassword, ip: input.ip }, signal);
      if (!check.ok && check.reason === "throttled") {
        const seconds = Math.max(1, Math.ceil(check.retryAfterMs / 1000));
        throw new AppError("rate_limited", `Too many attempts; try again in ${Math.ceil(seconds / 60)} min.`, { retryAfterSeconds: seconds });
      }
      if (!check.ok || check.user.id !== input.user.id) {
        throw new AppError("validation", "Your current password is not correct.", { fields: [{ path: "currentPassword", message: "This is not your current password" }] });
      }
      if (input.newPassword === input.currentPassword) {
        throw new AppError("validation", "Choose a new password.", { fields: [{ path: "newPassword", message: "Choose a password different from the current one" }] });
      }
      // Hash outside the transaction: it is deliberately slow and needs no rows.
      const passwordHash = await deps.hasher.hash(input.newPassword);
      const ended = await deps.uow.run(async (repos) => {
        await repos.users.setPasswordHash(input.user.id, passwordHash, signal);
        return endOthers(repos, input.user.id, input.keepSessionId, signal);
      }, signal);
      deps.onEvent?.("password_changed");
      deps.log?.info("password changed", { userId: input.user.id, ...ended });
    },

    async signOutEverywhere(input: { user: User; keepSessionId: string | null }, signal?: AbortSignal): Promise<{ browserSessions: number; apiSessions: number }> {
      const ended = await deps.uow.run((repos) => endOthers(repos, input.user.id, input.keepSessionId, signal), signal);
      deps.onEvent?.("signed_out_everywhere");
      deps.log?.info("signed out everywhere", { userId: input.user.id, ...ended });
      return ended;
    },
  };
}

export type AccountSecurity = ReturnType<typeof makeAccountSecurity>;
