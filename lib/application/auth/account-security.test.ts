import { describe, expect, it } from "vitest";
import { isAppError } from "../../domain/errors";
import type { User } from "../../domain/user";
import { fixedClock, InMemoryAttemptCounter, plainHasher } from "@/tests/support/in-memory";
import { makeAccountSecurity, type AccountSecurityRepos } from "./account-security";
import { makeAuthenticate, SIGN_IN_LIMITS } from "./authenticate";

const ann: User = { id: "u-ann", email: "ann@example.com", name: "Ann", role: "customer" };
const bob: User = { id: "u-bob", email: "bob@example.com", name: "Bob", role: "customer" };

function setup() {
  const hashes = new Map([
    [ann.id, "hashed:old password"],
    [bob.id, "hashed:bob password"],
  ]);
  const browser = new Map([
    ["b-current", ann.id],
    ["b-laptop", ann.id],
    ["b-phone", ann.id],
    ["b-bob", bob.id],
  ]);
  const api = new Map([
    ["a-1", { userId: ann.id, revoked: false }],
    ["a-2", { userId: ann.id, revoked: false }],
    ["a-bob", { userId: bob.id, revoked: false }],
  ]);
  const repos: AccountSecurityRepos = {
    users: {
      async setPasswordHash(userId, hash) {
        hashes.set(userId, hash);
      },
    },
    authSessions: {
      async deleteAllForUser(userId, except) {
        let n = 0;
        for (const [id, owner] of browser) if (owner === userId && id !== except && browser.delete(id)) n++;
        return n;
      },
    },
    apiSessions: {
      async revokeAllForUser(userId) {
        let n = 0;
        for (const s of api.values()) if (s.userId === userId && !s.revoked) {
            s.revoked = true;
            n++;
          }
        return n;
      },
    },
  };
  const clock = fixedClock();
  const users = [ann, bob];
  const authenticate = makeAuthenticate({
    credentials: {
      async findCredentials(email) {
        const user = users.find((u) => u.email === email);
        return user ? { user, passwordHash: hashes.get(user.id)! } : null;
      },
    },
    hasher: plainHasher,
    dummyHash: "hashed:" + "x".repeat(40),
    attempts: { perEmail: new InMemoryAttemptCounter(SIGN_IN_LIMITS.perEmail, clock), perIp: new InMemoryAttemptCounter(SIGN_IN_LIMITS.perIp, clock) },
  });
  const events: string[] = [];
  const security = makeAccountSecurity({ uow: { run: (work) => work(repos) }, authenticate, hasher: plainHasher, clock, onEvent: (e) => events.push(e) });
  return { security, hashes, browser, api, events };
}

const fieldsOf = (e: unknown) => (isAppError(e) ? e.fields.map((f) => f.path) : String(e));

describe("changing a password", () => {
  it("needs the current password, stores the new one and ends every other browser session and every API session", async () => {
    const { security, hashes, browser, api, events } = setup();
    await security.changePassword({ user: ann, currentPassword: "old password", newPassword: "a new password", ip: "203.0.113.5", keepSessionId: "b-current" });
    expect(hashes.get(ann.id)).toBe("hashed:a new password");
    expect([...browser.keys()].sort()).toEqual(["b-bob", "b-current"]);
    expect([...api.entries()].filter(([, s]) => !s.revoked).map(([id]) => id)).toEqual(["a-bob"]);
    expect(events).toEqual(["password_changed"]);
  });

  it("refuses a wrong current password by its field and changes nothing", async () => {
    const { security, hashes, browser } = setup();
    const error = await security
      .changePassword({ user: ann, currentPassword: "guess", newPassword: "a new password", ip: "203.0.113.5", keepSessionId: "b-current" })
      .catch((e: unknown) => e);
    expect(isAppError(error, "validation")).toBe(true);
    expect(fieldsOf(error)).toEqual(["currentPassword"]);
    expect(hashes.get(ann.id)).toBe("hashed:old password");
    expect(browser.size).toBe(4);
  });

  it("counts wrong current passwords like failed sign-ins: the sixth try is refused even when right", async () => {
    const { security } = setup();
    for (let i = 0; i < 5; i++) {
      await security.changePassword({ user: ann, currentPassword: `guess ${i}`, newPassword: "a new password", ip: `203.0.113.${i}`, keepSessionId: null }).catch(() => undefined);
    }
    const error = await security.changePassword({ user: ann, currentPassword: "old password", newPassword: "a new password", ip: "198.51.100.1", keepSessionId: null }).catch((e: unknown) => e);
    expect(isAppError(error, "rate_limited")).toBe(true);
  });

  it("refuses a new password equal to the current one", async () => {
    const { security } = setup();
    const error = await security.changePassword({ user: ann, currentPassword: "old password", newPassword: "old password", ip: null, keepSessionId: null }).catch((e: unknown) => e);
    expect(fieldsOf(error)).toEqual(["newPassword"]);
  });
});

describe("signing out everywhere", () => {
  it("ends every other browser session and every API session of the user, and no one else's", async () => {
    const { security, browser, api, events } = setup();
    expect(await security.signOutEverywhere({ user: ann, keepSessionId: "b-current" })).toEqual({ browserSessions: 2, apiSessions: 2 });
    expect([...browser.keys()].sort()).toEqual(["b-bob", "b-current"]);
    expect(api.get("a-bob")!.revoked).toBe(false);
    expect(events).toEqual(["signed_out_everywhere"]);
  });
});
