import { AppError, isAppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { normalizeEmail, type User } from "../../domain/user";
import type { Clock, IdGenerator, Logger, OutboxWriter, UnitOfWork } from "../shared";
import type { AttemptCounter } from "./authenticate";
import type { NewUser, PasswordHasher } from "./ports";

export interface RegisterUserRepos {
  users: {
    /** Throws AppError("conflict") when the email is taken. */
    create(user: NewUser, signal?: AbortSignal): Promise<User>;
    findByEmail(email: string, signal?: AbortSignal): Promise<User | null>;
  };
  outbox: OutboxWriter;
}

export interface RegisterUserInput {
  email: string;
  name: string;
  password: string;
  /** The client's address when known; registrations without one count against the global limit only. */
  ip?: string | null;
}

/**
 * Registration throttles: per client address, and a ceiling for everyone
 * together (against a spread-out flood of sign-ups, each one an email the shop
 * sends to an address the registrant chose).
 */
export interface RegistrationAttempts {
  perIp: AttemptCounter;
  global: AttemptCounter;
}

const GLOBAL_KEY = "all";

/**
 * Registers a customer. The answer must not tell whether the email already had
 * an account (that would let anyone test addresses), so a taken email is not an
 * error: the password is hashed all the same (the slow part, so the timing
 * matches), nothing is created, and the account's owner is told by email
 * (user.registration_attempted) instead of the registrant. Returns the new user,
 * or null for a taken email; callers answer both alike.
 */
export function makeRegisterUser(deps: {
  uow: UnitOfWork<RegisterUserRepos>;
  hasher: PasswordHasher;
  ids: IdGenerator;
  clock: Clock;
  attempts: RegistrationAttempts;
  log?: Logger;
  /** Someone registered an email that has an account: many of these are someone testing addresses. */
  onTakenEmail?: () => void;
}) {
  async function throttle(ip: string | null, signal?: AbortSignal): Promise<void> {
    // The address first, and the global count only for what the address may do:
    // one client hammering past its own limit must not use up everyone's.
    const byIp = ip ? await deps.attempts.perIp.hit(ip, signal) : { limited: false, retryAfterMs: 0 };
    const limited = byIp.limited ? byIp : await deps.attempts.global.hit(GLOBAL_KEY, signal);
    if (limited.limited) {
      throw new AppError("rate_limited", "Too many registrations right now; please try again later.", {
        retryAfterSeconds: Math.max(1, Math.ceil(limited.retryAfterMs / 1000)),
      });
    }
  }

  async function tellOwner(repos: RegisterUserRepos, email: string, signal?: AbortSignal): Promise<void> {
    const owner = await repos.users.findByEmail(email, signal);
    // Gone in between (deleted): nobody to tell.
    if (!owner) return;
    deps.onTakenEmail?.();
    deps.log?.info("registration with the email of an existing account; its owner is told", { userId: owner.id });
    await repos.outbox.append(
      makeEvent("user.registration_attempted", {
        id: deps.ids.uuid(),
        aggregateType: "user",
        aggregateId: owner.id,
        occurredAt: deps.clock.now(),
        payload: { userId: owner.id, email: owner.email },
      }),
      signal,
    );
  }

  return async function registerUser(input: RegisterUserInput, signal?: AbortSignal): Promise<User | null> {
    await throttle(input.ip ?? null, signal);
    const email = normalizeEmail(input.email);
    // Hash outside the transaction: it is deliberately slow and needs no rows.
    // Always, taken email or not, so both take as long.
    const passwordHash = await deps.hasher.hash(input.password);
    try {
      return await deps.uow.run(async (repos) => {
        if (await repos.users.findByEmail(email, signal)) {
          await tellOwner(repos, email, signal);
          return null;
        }
        const user = await repos.users.create({ id: deps.ids.uuid(), email, name: input.name.trim(), passwordHash, role: "customer" }, signal);
        await repos.outbox.append(
          makeEvent("user.registered", {
            id: deps.ids.uuid(),
            aggregateType: "user",
            aggregateId: user.id,
            occurredAt: deps.clock.now(),
            payload: { userId: user.id, email: user.email, name: user.name },
          }),
          signal,
        );
        return user;
      }, signal);
    } catch (error) {
      // Two registrations of one new email at once: the one that lost the race
      // on the unique index is a taken email like any other.
      if (!isAppError(error, "conflict")) throw error;
      await deps.uow.run((repos) => tellOwner(repos, email, signal), signal);
      return null;
    }
  };
}
