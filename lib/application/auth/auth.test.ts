import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { makeAuthenticate, SIGN_IN_LIMITS } from "./authenticate";
import { makeRegisterUser } from "./register-user";
import type { PasswordHasher } from "./ports";
import { fixedClock, InMemoryAttemptCounter, InMemoryStore, plainHasher, sequentialIds } from "@/tests/support/in-memory";

const PASSWORD = "correct horse";

function setup() {
  const store = new InMemoryStore();
  const uow = store.unitOfWork();
  let now = new Date("2026-01-01T00:00:00.000Z").getTime();
  const clock = { now: () => new Date(now) };
  const perEmail = new InMemoryAttemptCounter(SIGN_IN_LIMITS.perEmail, clock);
  const perIp = new InMemoryAttemptCounter(SIGN_IN_LIMITS.perIp, clock);
  let verifications = 0;
  let hashes = 0;
  const countingHasher: PasswordHasher = {
    hash: async (p) => {
      hashes++;
      return plainHasher.hash(p);
    },
    verify: async (h, p) => {
      verifications++;
      return plainHasher.verify(h, p);
    },
  };
  const registrations = {
    perIp: new InMemoryAttemptCounter({ attempts: 3, windowMs: 60 * 60_000 }, clock),
    global: new InMemoryAttemptCounter({ attempts: 5, windowMs: 60_000 }, clock),
  };
  const registerUser = makeRegisterUser({ uow, hasher: countingHasher, ids: sequentialIds(), clock: fixedClock(), attempts: registrations });
  const authenticate = makeAuthenticate({
    credentials: store.repos().users,
    hasher: countingHasher,
    dummyHash: "hashed:" + "x".repeat(40),
    attempts: { perEmail, perIp },
  });
  return {
    store,
    registerUser,
    authenticate,
    perEmail,
    verifications: () => verifications,
    hashes: () => hashes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("registration and sign-in", () => {
  it("registers with a normalised email, a hashed password and a user.registered event", async () => {
    const { store, registerUser } = setup();
    const user = (await registerUser({ email: "  Ann@Example.COM ", name: " Ann ", password: PASSWORD }))!;
    expect(user).toMatchObject({ email: "ann@example.com", name: "Ann", role: "customer" });
    expect(store.state.users.get(user.id)!.passwordHash).toBe("hashed:correct horse");
    expect(store.state.outbox.map((e) => e.type)).toEqual(["user.registered"]);
  });

  it("answers a taken email as it answers a new one, hashes the password all the same, and tells the owner instead", async () => {
    const { store, registerUser, hashes } = setup();
    const first = (await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD }))!;
    const again = (await registerUser({ email: "ANN@example.com", name: "Mallory", password: "another one" }))!;
    // The use case tells its caller (null); what the edges answer is the same for both (see the API and form tests).
    expect(first).not.toBeNull();
    expect(again).toBeNull();
    expect(hashes()).toBe(2);
    expect(store.state.users.size).toBe(1);
    expect(store.state.users.get(first!.id)!.name).toBe("Ann");
    expect(store.state.outbox.map((e) => e.type)).toEqual(["user.registered", "user.registration_attempted"]);
    // Nothing the second registrant typed travels to the owner's mailbox: only the address and the account.
    expect(store.state.outbox[1]!.payload).toEqual({ userId: first!.id, email: "ann@example.com" });
  });

  it("throttles registrations per client address, and all of them together per minute", async () => {
    const { registerUser, advance } = setup();
    for (let i = 0; i < 3; i++) await registerUser({ email: `a${i}@example.com`, name: "A", password: PASSWORD, ip: "203.0.113.1" });
    const perIp = (await registerUser({ email: "a3@example.com", name: "A", password: PASSWORD, ip: "203.0.113.1" }).catch((e: unknown) => e))!;
    expect(isAppError(perIp, "rate_limited")).toBe(true);
    expect((perIp as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    // Other addresses still may, up to the global ceiling of 5 a minute; the
    // refused one did not count there, so one address cannot use up everyone's.
    await registerUser({ email: "b0@example.com", name: "B", password: PASSWORD, ip: "203.0.113.2" });
    await registerUser({ email: "b1@example.com", name: "B", password: PASSWORD, ip: "203.0.113.3" });
    const global = (await registerUser({ email: "b2@example.com", name: "B", password: PASSWORD, ip: "203.0.113.4" }).catch((e: unknown) => e))!;
    expect(isAppError(global, "rate_limited")).toBe(true);
    advance(60_000);
    expect(await registerUser({ email: "b3@example.com", name: "B", password: PASSWORD, ip: "203.0.113.4" })).not.toBeNull();
  });

  it("signs in with the right password only, and never returns the hash", async () => {
    const { registerUser, authenticate } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD });
    const result = await authenticate({ email: "ANN@example.com", password: PASSWORD, ip: "203.0.113.1" });
    expect(result).toMatchObject({ ok: true, user: { email: "ann@example.com" } });
    expect(Object.keys(result.ok ? result.user : {})).not.toContain("passwordHash");
    expect(await authenticate({ email: "ann@example.com", password: "wrong", ip: "203.0.113.1" })).toEqual({ ok: false, reason: "invalid" });
    expect(await authenticate({ email: "nobody@example.com", password: PASSWORD, ip: "203.0.113.1" })).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("sign-in throttling", () => {
  it("refuses the sixth attempt on one email within 15 minutes, even with the right password, without checking it", async () => {
    const { registerUser, authenticate, verifications } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD });
    for (let i = 0; i < 5; i++) {
      expect(await authenticate({ email: "ann@example.com", password: `guess ${i}`, ip: `203.0.113.${i}` })).toEqual({ ok: false, reason: "invalid" });
    }
    const checked = verifications();
    const refused = await authenticate({ email: "ANN@example.com", password: PASSWORD, ip: "198.51.100.9" });
    expect(refused).toEqual({ ok: false, reason: "throttled", retryAfterMs: 15 * 60_000 });
    expect(verifications()).toBe(checked);
  });

  it("lets the account in again once the window has passed", async () => {
    const { registerUser, authenticate, advance } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD });
    for (let i = 0; i < 6; i++) await authenticate({ email: "ann@example.com", password: "wrong", ip: null });
    advance(10 * 60_000);
    expect(await authenticate({ email: "ann@example.com", password: PASSWORD })).toMatchObject({ ok: false, reason: "throttled", retryAfterMs: 5 * 60_000 });
    advance(5 * 60_000);
    expect(await authenticate({ email: "ann@example.com", password: PASSWORD })).toMatchObject({ ok: true });
  });

  it("limits one address to 20 attempts across many emails", async () => {
    const { authenticate } = setup();
    for (let i = 0; i < 20; i++) {
      expect(await authenticate({ email: `user${i}@example.com`, password: "wrong", ip: "203.0.113.7" })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(await authenticate({ email: "fresh@example.com", password: "wrong", ip: "203.0.113.7" })).toMatchObject({ reason: "throttled" });
    expect(await authenticate({ email: "fresh@example.com", password: "wrong", ip: "203.0.113.8" })).toEqual({ ok: false, reason: "invalid" });
  });

  it("forgets an account's failures once its owner signs in", async () => {
    const { registerUser, authenticate, perEmail } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD });
    for (let i = 0; i < 4; i++) await authenticate({ email: "ann@example.com", password: "typo", ip: "203.0.113.1" });
    expect(await authenticate({ email: "ann@example.com", password: PASSWORD, ip: "203.0.113.1" })).toMatchObject({ ok: true });
    expect(perEmail.counts.has("ann@example.com")).toBe(false);
    for (let i = 0; i < 5; i++) {
      expect(await authenticate({ email: "ann@example.com", password: "typo", ip: "203.0.113.1" })).toEqual({ ok: false, reason: "invalid" });
    }
  });

  it("counts concurrent guesses before checking them, so a burst cannot slip under the limit", async () => {
    const { registerUser, authenticate, verifications } = setup();
    await registerUser({ email: "ann@example.com", name: "Ann", password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => authenticate({ email: "ann@example.com", password: `guess ${i}` })));
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(5);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(7);
    expect(verifications()).toBe(5);
  });
});
