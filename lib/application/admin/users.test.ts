import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import type { Role } from "@/lib/domain/user";
import type { UnitOfWork } from "../shared";
import type { Actor } from "./access";
import { makeAdminUsers, USER_PAGE_SIZE, type AdminUserSummary, type SetRoleRepos, type UserListCriteria } from "./users";

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

/** Users in memory; transactions run one at a time (as the admin-row lock makes them) and roll back on a throw. */
function fakeUsers(initial: { n: number; role: Role }[]) {
  const users = new Map<string, AdminUserSummary>(
    initial.map(({ n, role }) => [id(n), { id: id(n), email: `user${n}@example.com`, name: `User ${n}`, role, createdAt: new Date(Date.UTC(2026, 0, n)) }]),
  );
  const listed: UserListCriteria[] = [];
  let transactions = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const repos: SetRoleRepos = {
    userAdmin: {
      async lockAdmins() {
        return [...users.values()].filter((u) => u.role === "admin").map((u) => u.id).sort();
      },
      async lockUser(userId) {
        return users.get(userId) ?? null;
      },
      async updateRole(userId, role) {
        users.set(userId, { ...users.get(userId)!, role });
      },
    },
  };
  const uow: UnitOfWork<SetRoleRepos> = {
    run<T>(work: (r: SetRoleRepos) => Promise<T>) {
      transactions++;
      const next = queue.then(async () => {
        const before = new Map(users);
        try {
          return await work(repos);
        } catch (error) {
          users.clear();
          for (const [k, v] of before) users.set(k, v);
          throw error;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
  const directory = {
    async list(criteria: UserListCriteria) {
      listed.push(criteria);
      const all = [...users.values()].filter((u) => !criteria.role || u.role === criteria.role);
      return { users: all.slice(criteria.offset, criteria.offset + criteria.limit), total: all.length };
    },
  };
  return {
    users,
    listed,
    transactions: () => transactions,
    roles: () => Object.fromEntries([...users.values()].map((u) => [u.id, u.role])),
    service: makeAdminUsers({ directory, uow }),
  };
}

const admin = (n: number): Actor => ({ id: id(n), role: "admin" });
const customer = (n: number): Actor => ({ id: id(n), role: "customer" });

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("admin users: access", () => {
  it("refuses anonymous visitors and customers before reading or changing anything", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }, { n: 2, role: "customer" }]);
    const before = f.roles();
    for (const [actor, code] of [[null, "unauthenticated"], [customer(2), "forbidden"]] as const) {
      expect(isAppError(await errorOf(f.service.list(actor, { query: "x".repeat(500) })), code)).toBe(true);
      expect(isAppError(await errorOf(f.service.setRole(actor, { userId: id(2), role: "admin" })), code)).toBe(true);
      expect(isAppError(await errorOf(f.service.setRole(actor, { junk: true } as never)), code)).toBe(true);
    }
    expect(f.listed).toEqual([]);
    expect(f.transactions()).toBe(0);
    expect(f.roles()).toEqual(before);
  });
});

describe("admin users: list", () => {
  it("passes the trimmed search, the role and the page window to the directory", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }]);
    const result = await f.service.list(admin(1), { query: "  Ann ", role: "customer", page: 3 });
    expect(f.listed).toEqual([{ query: "Ann", role: "customer", offset: 2 * USER_PAGE_SIZE, limit: USER_PAGE_SIZE }]);
    expect(result).toMatchObject({ page: 3, query: "Ann", role: "customer", total: 0, pageCount: 1 });
  });

  it("treats an empty search as everyone and counts pages", async () => {
    const f = fakeUsers(Array.from({ length: USER_PAGE_SIZE + 1 }, (_, i) => ({ n: i + 1, role: i === 0 ? "admin" : "customer" }) as const));
    const result = await f.service.list(admin(1), { query: "   " });
    expect(f.listed[0]).toMatchObject({ query: null, role: null, offset: 0 });
    expect(result.users).toHaveLength(USER_PAGE_SIZE);
    expect([result.total, result.pageCount]).toEqual([USER_PAGE_SIZE + 1, 2]);
  });

  it("answers bad criteria with messages by field", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }]);
    const error = await errorOf(f.service.list(admin(1), { query: "x".repeat(101), role: "root" as Role, page: 0 }));
    expect(isAppError(error, "validation")).toBe(true);
    const paths = (error as { fields: { path: string }[] }).fields.map((x) => x.path).sort();
    expect(paths).toEqual(["page", "query", "role"]);
    expect(f.listed).toEqual([]);
  });
});

describe("admin users: setRole", () => {
  it("promotes a customer and demotes an admin while another admin remains", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }, { n: 2, role: "customer" }]);
    expect(await f.service.setRole(admin(1), { userId: id(2), role: "admin" })).toMatchObject({ changed: true, user: { id: id(2), role: "admin" } });
    expect(await f.service.setRole(admin(2), { userId: id(1), role: "customer" })).toMatchObject({ changed: true, user: { role: "customer" } });
    expect(f.roles()).toEqual({ [id(1)]: "customer", [id(2)]: "admin" });
  });

  it("never demotes the last admin, not even themselves", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }, { n: 2, role: "customer" }]);
    const error = await errorOf(f.service.setRole(admin(1), { userId: id(1), role: "customer" }));
    expect(isAppError(error, "conflict")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields[0]!.path).toBe("userId");
    expect(f.roles()[id(1)]).toBe("admin");
  });

  it("lets an admin demote themselves when another admin remains", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }, { n: 2, role: "admin" }]);
    await f.service.setRole(admin(1), { userId: id(1), role: "customer" });
    expect(f.roles()).toEqual({ [id(1)]: "customer", [id(2)]: "admin" });
  });

  it("of two admins demoting each other at once, exactly one succeeds", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }, { n: 2, role: "admin" }]);
    const results = await Promise.allSettled([
      f.service.setRole(admin(1), { userId: id(2), role: "customer" }),
      f.service.setRole(admin(2), { userId: id(1), role: "customer" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    // The loser was demoted by the winner while it waited: refused as no longer an admin.
    expect(isAppError(refused.reason, "forbidden")).toBe(true);
    expect(Object.values(f.roles()).filter((r) => r === "admin")).toHaveLength(1);
  });

  it("refuses an actor whose admin role was taken away since their request began", async () => {
    const f = fakeUsers([{ n: 1, role: "customer" }, { n: 2, role: "admin" }, { n: 3, role: "customer" }]);
    expect(isAppError(await errorOf(f.service.setRole(admin(1), { userId: id(3), role: "admin" })), "forbidden")).toBe(true);
    expect(f.roles()[id(3)]).toBe("customer");
  });

  it("answers an unknown user with not_found and junk input with field errors", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }]);
    expect(isAppError(await errorOf(f.service.setRole(admin(1), { userId: id(9), role: "admin" })), "not_found")).toBe(true);
    const error = await errorOf(f.service.setRole(admin(1), { userId: "nope", role: "owner" } as never));
    expect(isAppError(error, "validation")).toBe(true);
    expect((error as { fields: { path: string }[] }).fields.map((x) => x.path).sort()).toEqual(["role", "userId"]);
  });

  it("changes nothing when the user already has the role", async () => {
    const f = fakeUsers([{ n: 1, role: "admin" }]);
    expect(await f.service.setRole(admin(1), { userId: id(1), role: "admin" })).toMatchObject({ changed: false, user: { role: "admin" } });
  });
});
