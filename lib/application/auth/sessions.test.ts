import { describe, expect, it } from "vitest";
import type { User } from "../../domain/user";
import { makeSessions, type SessionStore } from "./sessions";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const customer: User = { id: "u-customer", email: "c@example.com", name: "C", role: "customer" };
const admin: User = { id: "u-admin", email: "a@example.com", name: "A", role: "admin" };
const policies = { customer: { idleMs: 7 * DAY, absoluteMs: 30 * DAY }, admin: { idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR } };

function setup() {
  const users = new Map([customer, admin].map((u) => [u.id, { ...u }]));
  const rows = new Map<string, { userId: string; createdAt: Date; lastSeenAt: Date; expiresAt: Date }>();
  let touches = 0;
  const store: SessionStore = {
    async create(s) {
      rows.set(s.id, { userId: s.userId, createdAt: s.createdAt, lastSeenAt: s.createdAt, expiresAt: s.expiresAt });
    },
    async findActive(id, now) {
      const r = rows.get(id);
      if (!r || r.expiresAt <= now) return null;
      return { user: { ...users.get(r.userId)! }, createdAt: r.createdAt, lastSeenAt: r.lastSeenAt };
    },
    async touch(id, at) {
      touches++;
      const r = rows.get(id);
      if (r) r.lastSeenAt = at;
    },
    async delete(id) {
      rows.delete(id);
    },
    async deleteAllForUser(userId, exceptId) {
      let n = 0;
      for (const [id, r] of rows) if (r.userId === userId && id !== exceptId && rows.delete(id)) n++;
      return n;
    },
  };
  let t = Date.parse("2026-01-01T00:00:00Z");
  let n = 0;
  const sessions = makeSessions({ sessions: store, ids: { uuid: () => `s${++n}` }, clock: { now: () => new Date(t) }, policies });
  return {
    sessions,
    rows,
    users,
    touches: () => touches,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe("browser sessions", () => {
  it("ends an admin's session after 30 minutes without a request, though its absolute end is hours away", async () => {
    const { sessions, advance, rows } = setup();
    const { sessionId } = await sessions.start(admin);
    advance(29 * MINUTE);
    expect(await sessions.resolve(sessionId)).toMatchObject({ id: admin.id });
    advance(29 * MINUTE);
    expect(await sessions.resolve(sessionId)).toMatchObject({ id: admin.id });
    advance(31 * MINUTE);
    expect(await sessions.resolve(sessionId)).toBeNull();
    expect(rows.has(sessionId)).toBe(false);
  });

  it("ends an admin's session 12 hours after sign-in however active it was", async () => {
    const { sessions, advance } = setup();
    const { sessionId } = await sessions.start(admin);
    for (let i = 0; i < 12 * 6 - 1; i++) {
      advance(10 * MINUTE);
      expect(await sessions.resolve(sessionId)).not.toBeNull();
    }
    advance(10 * MINUTE);
    expect(await sessions.resolve(sessionId)).toBeNull();
  });

  it("keeps a shopper signed in for days of quiet, but not for more than the idle timeout", async () => {
    const { sessions, advance } = setup();
    const { sessionId } = await sessions.start(customer);
    advance(6 * DAY);
    expect(await sessions.resolve(sessionId)).not.toBeNull();
    advance(7 * DAY + MINUTE);
    expect(await sessions.resolve(sessionId)).toBeNull();
  });

  it("applies the admin timeouts to a session whose user became an admin after signing in", async () => {
    const { sessions, advance, users } = setup();
    const { sessionId } = await sessions.start(customer);
    users.get(customer.id)!.role = "admin";
    advance(31 * MINUTE);
    expect(await sessions.resolve(sessionId)).toBeNull();
  });

  it("records activity at most once a minute, not on every request", async () => {
    const { sessions, advance, touches } = setup();
    const { sessionId } = await sessions.start(customer);
    for (let i = 0; i < 30; i++) {
      advance(1_000);
      await sessions.resolve(sessionId);
    }
    expect(touches()).toBe(0);
    advance(31_000);
    await sessions.resolve(sessionId);
    expect(touches()).toBe(1);
  });

  it("signing in again from a browser ends the session that browser had, under a new id", async () => {
    const { sessions, rows } = setup();
    const first = await sessions.start(customer);
    const second = await sessions.start(customer, { replacing: first.sessionId });
    expect(second.sessionId).not.toBe(first.sessionId);
    expect(rows.has(first.sessionId)).toBe(false);
    expect(await sessions.resolve(first.sessionId)).toBeNull();
    expect(await sessions.resolve(second.sessionId)).not.toBeNull();
  });
});
