import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Actor } from "@/lib/application/admin/access";
import { isAppError } from "@/lib/domain/errors";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertUser, servicesFor, sqlPool } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

async function newUser(role: "admin" | "customer", name = "Person"): Promise<string> {
  const { id } = await insertUser(pool, `${name.toLowerCase().replace(/\W/g, "")}-${randomUUID().slice(0, 8)}@example.com`);
  await pool.query(`UPDATE users SET role = $2, name = $3 WHERE id = $1`, [id, role, name]);
  return id;
}

const roleOf = async (id: string) => (await pool.query<{ role: string }>(`SELECT role::text AS role FROM users WHERE id = $1`, [id])).rows[0]!.role;
const adminCount = async () => (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`)).rows[0]!.n;
const asAdmin = (id: string): Actor => ({ id, role: "admin" });

/** The actor a request would carry: resolved from a server-side session, as app/_lib/auth.ts does on every request. */
async function actorOf(sessionId: string): Promise<Actor | null> {
  const user = await services.auth.sessions.resolve(sessionId);
  return user ? { id: user.id, role: user.role } : null;
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "done";
  } catch (error) {
    return isAppError(error) ? error.code : `unexpected ${String(error)}`;
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url);
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

// Every test arranges its own admins: nobody else is one.
beforeEach(async () => {
  await pool.query(`UPDATE users SET role = 'customer' WHERE role = 'admin'`);
});

describe("admin users", () => {
  it("promotes a customer and demotes an admin", async () => {
    const boss = await newUser("admin", "Boss");
    const shopper = await newUser("customer", "Shopper");
    expect(await services.admin.users.setRole(asAdmin(boss), { userId: shopper, role: "admin" })).toMatchObject({ changed: true, user: { id: shopper, role: "admin" } });
    expect(await roleOf(shopper)).toBe("admin");
    await services.admin.users.setRole(asAdmin(boss), { userId: shopper, role: "customer" });
    expect(await roleOf(shopper)).toBe("customer");
  });

  it("never demotes the last admin, and lets an admin step down when another remains", async () => {
    const only = await newUser("admin", "Only");
    expect(await codeOf(services.admin.users.setRole(asAdmin(only), { userId: only, role: "customer" }))).toBe("conflict");
    expect(await roleOf(only)).toBe("admin");

    const second = await newUser("admin", "Second");
    await services.admin.users.setRole(asAdmin(only), { userId: only, role: "customer" });
    expect([await roleOf(only), await roleOf(second)]).toEqual(["customer", "admin"]);
    expect(await codeOf(services.admin.users.setRole(asAdmin(second), { userId: second, role: "customer" }))).toBe("conflict");
    expect(await adminCount()).toBe(1);
  });

  it("when two admins demote each other at once, exactly one succeeds and one admin remains (20 rounds)", async () => {
    for (let round = 0; round < 20; round++) {
      await pool.query(`UPDATE users SET role = 'customer' WHERE role = 'admin'`);
      const a = await newUser("admin", `A${round}`);
      const b = await newUser("admin", `B${round}`);
      const results = await Promise.allSettled([
        services.admin.users.setRole(asAdmin(a), { userId: b, role: "customer" }),
        services.admin.users.setRole(asAdmin(b), { userId: a, role: "customer" }),
      ]);
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(fulfilled, `round ${round}`).toHaveLength(1);
      // The loser waited on the admin rows' lock and then found itself demoted (or the last admin).
      expect(rejected.map((r) => (isAppError(r.reason) ? r.reason.code : String(r.reason)))[0]).toMatch(/^(forbidden|conflict)$/);
      expect(await adminCount(), `round ${round}`).toBe(1);
    }
  });

  it("refuses a demoted admin's next call", async () => {
    const boss = await newUser("admin", "Boss");
    const other = await newUser("admin", "Other");
    const shopper = await newUser("customer", "Shopper");
    const { sessionId } = await services.auth.sessions.start({ id: other, role: "admin" });
    const before = await actorOf(sessionId);
    expect(before).toEqual({ id: other, role: "admin" });
    expect((await services.admin.users.list(before, { query: "shopper" })).users.map((u) => u.id)).toContain(shopper);

    await services.admin.users.setRole(asAdmin(boss), { userId: other, role: "customer" });

    // The next request resolves the session again and gets the new role.
    const after = await actorOf(sessionId);
    expect(after).toEqual({ id: other, role: "customer" });
    expect(await codeOf(services.admin.users.list(after, {}))).toBe("forbidden");
    expect(await codeOf(services.admin.users.setRole(after, { userId: shopper, role: "admin" }))).toBe("forbidden");
    // Even a request that began before the demotion (holding the old role) cannot change roles any more.
    expect(await codeOf(services.admin.users.setRole(before, { userId: shopper, role: "admin" }))).toBe("forbidden");
    expect(await roleOf(shopper)).toBe("customer");
  });

  it("lists users newest first, searched by email or name and filtered by role", async () => {
    const boss = await newUser("admin", "Boss");
    const tag = randomUUID().slice(0, 6);
    const first = await newUser("customer", `Zed ${tag}`);
    const second = await newUser("admin", `Ygritte ${tag}`);
    await pool.query(`UPDATE users SET created_at = now() - interval '1 minute' WHERE id = $1`, [first]);

    const byName = await services.admin.users.list(asAdmin(boss), { query: tag.toUpperCase() });
    expect(byName.users.map((u) => u.id)).toEqual([second, first]);
    expect(byName.total).toBe(2);
    const admins = await services.admin.users.list(asAdmin(boss), { query: tag, role: "admin" });
    expect(admins.users.map((u) => u.id)).toEqual([second]);
    const email = (await pool.query<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [first])).rows[0]!.email;
    expect((await services.admin.users.list(asAdmin(boss), { query: email.slice(0, 12) })).users.map((u) => u.id)).toContain(first);
    expect((await services.admin.users.list(asAdmin(boss), { query: `nobody-${tag}` })).users).toEqual([]);
  });

  it("searches for % and _ as themselves, not as LIKE wildcards", async () => {
    const boss = await newUser("admin", "Boss");
    const percent = await newUser("customer", "Percent 100% sure");
    const underscore = await newUser("customer", "under_score");
    const plain = await newUser("customer", "Plain Person");
    const found = async (query: string) => {
      const ids = (await services.admin.users.list(asAdmin(boss), { query })).users.map((u) => u.id);
      return [percent, underscore, plain].filter((id) => ids.includes(id));
    };
    expect(await found("%")).toEqual([percent]);
    expect(await found("_")).toEqual([underscore]);
    expect(await found("plain")).toEqual([plain]);
  });
});
