import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { makeAuthenticate } from "./authenticate";
import { makeRegisterUser } from "./register-user";
import { fixedClock, InMemoryStore, plainHasher, sequentialIds } from "@/tests/support/in-memory";

function setup() {
  const store = new InMemoryStore();
  const uow = store.unitOfWork();
  const registerUser = makeRegisterUser({ uow, hasher: plainHasher, ids: sequentialIds(), clock: fixedClock() });
  const authenticate = makeAuthenticate({ credentials: store.repos().users, hasher: plainHasher, dummyHash: "hashed:" + "x".repeat(40) });
  return { store, registerUser, authenticate };
}

describe("registration and sign-in", () => {
  it("registers with a normalised email, a hashed password and a user.registered event", async () => {
    const { store, registerUser } = setup();
    const user = await registerUser({ email: "  Ann@Example.COM ", name: " Ann ", password: "correct horse" });
    expect(user).toMatchObject({ email: "ann@example.com", name: "Ann", role: "customer" });
    expect(store.state.users.get(user.id)!.passwordHash).toBe("hashed:correct horse");
    expect(store.state.outbox.map((e) => e.type)).toEqual(["user.registered"]);
  });

  it("refuses a second account for the same email and writes no event for it", async () => {
    const { store, registerUser } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: "correct horse" });
    const error = await registerUser({ email: "ANN@example.com", name: "Ann 2", password: "another one" }).catch((e: unknown) => e);
    expect(isAppError(error, "conflict")).toBe(true);
    expect(store.state.outbox).toHaveLength(1);
  });

  it("signs in with the right password only, and never returns the hash", async () => {
    const { registerUser, authenticate } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: "correct horse" });
    const user = await authenticate("ANN@example.com", "correct horse");
    expect(user).toMatchObject({ email: "ann@example.com" });
    expect(Object.keys(user!)).not.toContain("passwordHash");
    expect(await authenticate("ann@example.com", "wrong")).toBeNull();
    expect(await authenticate("nobody@example.com", "correct horse")).toBeNull();
  });
});
