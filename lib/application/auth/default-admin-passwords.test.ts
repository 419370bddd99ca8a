import { describe, expect, it } from "vitest";
import { plainHasher } from "@/tests/support/in-memory";
import { makeFindAdminsWithDefaultPassword, type AdminCredentialStore } from "./default-admin-passwords";

const DEFAULTS = ["change-me-admin-password", "change-me-please"];

function store(admins: { email: string; password: string }[]): AdminCredentialStore & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    adminCredentials: async (limit) => {
      asked.push(limit);
      return admins.slice(0, limit).map((a) => ({ email: a.email, passwordHash: `hashed:${a.password}` }));
    },
  };
}

describe("admins still using a documented default password", () => {
  it("names each admin whose password is one of the defaults, and only those", async () => {
    const find = makeFindAdminsWithDefaultPassword({
      admins: store([
        { email: "first@example.com", password: "change-me-admin-password" },
        { email: "careful@example.com", password: "a long passphrase of my own" },
        { email: "copied@example.com", password: "change-me-please" },
      ]),
      hasher: plainHasher,
      defaults: DEFAULTS,
    });
    expect(await find()).toEqual(["first@example.com", "copied@example.com"]);
  });

  it("finds none when every admin chose a password", async () => {
    const find = makeFindAdminsWithDefaultPassword({ admins: store([{ email: "a@example.com", password: "mine, all mine" }]), hasher: plainHasher, defaults: DEFAULTS });
    expect(await find()).toEqual([]);
  });

  it("checks a bounded number of admins, so a start never waits on hundreds of slow hash checks", async () => {
    const admins = store([{ email: "a@example.com", password: "x" }]);
    await makeFindAdminsWithDefaultPassword({ admins, hasher: plainHasher, defaults: DEFAULTS, maxAdmins: 7 })();
    expect(admins.asked).toEqual([7]);
  });
});
