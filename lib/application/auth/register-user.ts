import { makeEvent } from "../../domain/events";
import { normalizeEmail, type User } from "../../domain/user";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import type { NewUser, PasswordHasher } from "./ports";

export interface RegisterUserRepos {
  users: {
    /** Throws AppError("conflict") when the email is taken. */
    create(user: NewUser, signal?: AbortSignal): Promise<User>;
  };
  outbox: OutboxWriter;
}

export interface RegisterUserInput {
  email: string;
  name: string;
  password: string;
}

export function makeRegisterUser(deps: {
  uow: UnitOfWork<RegisterUserRepos>;
  hasher: PasswordHasher;
  ids: IdGenerator;
  clock: Clock;
}) {
  return async function registerUser(input: RegisterUserInput, signal?: AbortSignal): Promise<User> {
    // Hash outside the transaction: it is deliberately slow and needs no rows.
    const passwordHash = await deps.hasher.hash(input.password);
    return deps.uow.run(async ({ users, outbox }) => {
      const user = await users.create(
        { id: deps.ids.uuid(), email: normalizeEmail(input.email), name: input.name.trim(), passwordHash, role: "customer" },
        signal,
      );
      await outbox.append(
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
  };
}
