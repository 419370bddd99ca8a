import { randomUUID } from "node:crypto";
import { decodeJwt, SignJWT } from "jose";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { apiHarness, useApiDatabase } from "../support/api";
import { sqlPool } from "../support/fixtures";

const SECRET = "api-auth-test-secret-0123456789-abcdefghij";
const PASSWORD = "a-long-password";

interface Pair {
  tokenType: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}
interface Problem {
  code: string;
  detail: string;
  errors?: { path: string; message: string }[];
}

let db: TestDatabase;
let pool: pg.Pool;
let stop: () => Promise<void>;
const api = apiHarness();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  stop = await useApiDatabase(db.url, { API_TOKEN_SECRET: SECRET });
});

afterAll(async () => {
  await stop?.();
  await pool?.end();
  await db?.drop();
});

const newEmail = () => `api-${randomUUID().slice(0, 8)}@example.com`;

async function registered(email = newEmail()): Promise<string> {
  const res = await api.call("POST", "/auth/register", { body: { email, name: "Api User", password: PASSWORD } });
  expect(res.status).toBe(202);
  return email;
}

async function signedIn(email?: string): Promise<Pair> {
  const address = email ?? (await registered());
  const res = await api.call<Pair>("POST", "/auth/token", { body: { email: address, password: PASSWORD } });
  expect(res.status).toBe(200);
  return res.body;
}

const me = (token: string) => api.call<{ user: { email: string } } & Problem>("GET", "/auth/me", { token });

/** A token signed like the app's (HS256, issuer, audience) with the given secret and expiry. */
function mint(claims: { sid: string; sub: string }, secret: string, exp: number): Promise<string> {
  return new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(claims.sub)
    .setIssuer("storefront")
    .setAudience("storefront-api")
    .setIssuedAt(exp - 900)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
}

describe("POST /auth/register", () => {
  it("creates a customer with a normalised email, and answers the same email again exactly alike, telling its owner instead", async () => {
    const local = `Mixed-${randomUUID().slice(0, 8)}`;
    const email = `${local.toLowerCase()}@example.com`;
    const res = await api.call<{ detail: string }>("POST", "/auth/register", {
      body: { email: `  ${local}@Example.COM `, name: "  Ada  ", password: PASSWORD },
    });
    expect(res.status).toBe(202);
    const { rows } = await pool.query("SELECT id, email, name, role FROM users WHERE email = $1", [email]);
    expect(rows).toEqual([{ id: expect.any(String), email, name: "Ada", role: "customer" }]);

    const again = await api.call<{ detail: string }>("POST", "/auth/register", { body: { email: `${local.toUpperCase()}@example.com`, name: "Other", password: "another-password" } });
    // Nothing in the answer tells a taken email from a new one.
    expect(again.status).toBe(res.status);
    expect(again.body).toEqual(res.body);
    expect(again.headers.get("content-type")).toBe(res.headers.get("content-type"));
    const count = await pool.query("SELECT count(*)::int AS n, min(name) AS name FROM users WHERE lower(email) = $1", [email]);
    expect(count.rows[0]).toEqual({ n: 1, name: "Ada" });
    const events = await pool.query("SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY seq", [rows[0].id]);
    expect(events.rows.map((r) => r.type)).toEqual(["user.registered", "user.registration_attempted"]);
    expect(events.rows[1].payload).toEqual({ userId: rows[0].id, email });
    // The second password did not replace the first.
    expect((await api.call("POST", "/auth/token", { body: { email, password: "another-password" } })).status).toBe(401);
    expect((await api.call("POST", "/auth/token", { body: { email, password: PASSWORD } })).status).toBe(200);
  });

  it("refuses a name that could carry markup, a link or control characters, by body.name", async () => {
    for (const name of ['<a href="http://evil">x</a>', "http://evil.example", "Visit www.evil.example", "Ann\u0007", "Ann\nBob", "Ann\u202eevil"]) {
      const email = newEmail();
      const res = await api.call<Problem>("POST", "/auth/register", { body: { email, name, password: PASSWORD } });
      expect(res.status, JSON.stringify(name)).toBe(422);
      expect([...new Set(res.body.errors!.map((e) => e.path))]).toEqual(["body.name"]);
      const { rows } = await pool.query("SELECT 1 FROM users WHERE email = $1", [email]);
      expect(rows).toHaveLength(0);
    }
  });

  it("answers 422 with every invalid field's path, and writes nothing", async () => {
    const email = newEmail();
    const res = await api.call<Problem>("POST", "/auth/register", { body: { email: "not-an-email", name: "", password: "short", role: "admin" } });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation");
    const paths = res.body.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.email", "body.name", "body.password"]));
    // Strict body: a field the API does not know (here an attempt to choose the role) is refused.
    expect(res.body.errors!.some((e) => e.path === "body" && /role/.test(e.message))).toBe(true);

    const tooLong = await api.call<Problem>("POST", "/auth/register", { body: { email, name: "x".repeat(101), password: "p".repeat(201) } });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.errors!.map((e) => e.path).sort()).toEqual(["body.name", "body.password"]);
    const { rows } = await pool.query("SELECT 1 FROM users WHERE email = $1", [email]);
    expect(rows).toHaveLength(0);
  });

  it("answers 400 to malformed JSON and 422 to a missing body", async () => {
    const bad = await api.call<Problem>("POST", "/auth/register", { rawBody: '{"email": ' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe("malformed_json");
    const none = await api.call<Problem>("POST", "/auth/register", {});
    expect(none.status).toBe(422);
  });

  it("answers 401 when an invalid Authorization header is sent with it", async () => {
    const res = await api.call<Problem>("POST", "/auth/register", { token: "not-a-token", body: { email: newEmail(), name: "X", password: PASSWORD } });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthenticated");
  });
});

describe("POST /auth/token", () => {
  it("gives a bearer token pair for the right password, whatever the email's case", async () => {
    const email = await registered();
    const res = await api.call<Pair>("POST", "/auth/token", { body: { email: ` ${email.toUpperCase()}`, password: PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: "Bearer", expiresIn: 900, refreshExpiresIn: 30 * 24 * 3600 });
    expect(res.body.refreshToken).toMatch(/^rt_/);
    const who = await me(res.body.accessToken);
    expect(who.status).toBe(200);
    expect(who.body.user.email).toBe(email);
  });

  it("answers 401 to a wrong password and to an unknown email alike", async () => {
    const email = await registered();
    const wrong = await api.call<Problem>("POST", "/auth/token", { body: { email, password: "wrong-password" } });
    const unknown = await api.call<Problem>("POST", "/auth/token", { body: { email: newEmail(), password: PASSWORD } });
    for (const res of [wrong, unknown]) {
      expect(res.status).toBe(401);
      expect(res.body.code).toBe("unauthenticated");
    }
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it("answers 422 to invalid input", async () => {
    const res = await api.call<Problem>("POST", "/auth/token", { body: { email: "nope", password: "" } });
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.path).sort()).toEqual(["body.email", "body.password"]);
    const extra = await api.call<Problem>("POST", "/auth/token", { body: { email: newEmail(), password: PASSWORD, scope: "admin" } });
    expect(extra.status).toBe(422);
  });

  it("throttles password guessing: after 5 failures on an account even the right password gets 429 with Retry-After", async () => {
    const email = await registered();
    for (let i = 0; i < 5; i++) {
      const res = await api.call("POST", "/auth/token", { body: { email, password: `guess-${i}-wrong` }, ip: `192.0.2.${i + 1}` });
      expect(res.status).toBe(401);
    }
    const res = await api.call<Problem>("POST", "/auth/token", { body: { email, password: PASSWORD }, ip: "192.0.2.100" });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe("rate_limited");
    const retryAfter = res.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(60);
    expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
  });

  it("passes the client address to the sign-in throttle (counted per address across accounts)", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    // The per-address limit is 20 attempts per 15 minutes, across accounts.
    for (let i = 0; i < 20; i++) {
      const res = await api.call("POST", "/auth/token", { body: { email: newEmail(), password: "wrong-password" }, ip });
      expect(res.status).toBe(401);
    }
    const email = await registered();
    const blocked = await api.call<Problem>("POST", "/auth/token", { body: { email, password: PASSWORD }, ip });
    expect(blocked.status).toBe(429);
    // The same account from another address is fine: the address was counted, not the account.
    const elsewhere = await api.call("POST", "/auth/token", { body: { email, password: PASSWORD }, ip: "203.0.113.77" });
    expect(elsewhere.status).toBe(200);
  });
});

describe("POST /auth/refresh", () => {
  it("rotates: gives a new working pair, and the old refresh token then fails AND ends the session", async () => {
    const first = await signedIn();
    const res = await api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(res.status).toBe(200);
    const second = res.body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.accessToken)).status).toBe(200);

    const reuse = await api.call<Problem>("POST", "/auth/refresh", { body: { refreshToken: first.refreshToken } });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe("unauthenticated");
    // The reuse revoked the session: everything issued in it stops working.
    expect((await me(second.accessToken)).status).toBe(401);
    expect((await me(first.accessToken)).status).toBe(401);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: second.refreshToken } })).status).toBe(401);
  });

  it("answers 401 to an unknown, expired or revoked refresh token and 422 to a missing one", async () => {
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: "rt_unknown" } })).status).toBe(401);

    const expired = await signedIn();
    const sid = decodeJwt(expired.accessToken).sid as string;
    await pool.query("UPDATE api_sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [sid]);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: expired.refreshToken } })).status).toBe(401);
    // The session's end also ends its access tokens.
    expect((await me(expired.accessToken)).status).toBe(401);

    const revoked = await signedIn();
    expect((await api.call("POST", "/auth/revoke", { body: { token: revoked.refreshToken } })).status).toBe(204);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: revoked.refreshToken } })).status).toBe(401);

    const missing = await api.call<Problem>("POST", "/auth/refresh", { body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.errors!.map((e) => e.path)).toEqual(["body.refreshToken"]);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: "x".repeat(4097) } })).status).toBe(422);
  });

  it("of two refreshes with one token at once, exactly one succeeds", async () => {
    for (let round = 0; round < 5; round++) {
      const pair = await signedIn();
      const results = await Promise.all(
        [0, 1].map(() => api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: pair.refreshToken } })),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
      // The loser presented a token that was no longer current: a reuse, so the session ends for both.
      const winner = results.find((r) => r.status === 200)!.body;
      expect((await me(winner.accessToken)).status).toBe(401);
    }
  });
});

describe("POST /auth/revoke", () => {
  it("by refresh token: the session's access token is refused at once", async () => {
    const pair = await signedIn();
    expect((await me(pair.accessToken)).status).toBe(200);
    const res = await api.call("POST", "/auth/revoke", { body: { token: pair.refreshToken } });
    expect(res.status).toBe(204);
    expect(res.text).toBe("");
    const after = await me(pair.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe("unauthenticated");
    expect(after.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("by access token: the access and refresh tokens stop working, other sessions of the user do not", async () => {
    const email = await registered();
    const pair = await signedIn(email);
    const other = await signedIn(email);
    expect((await api.call("POST", "/auth/revoke", { body: { token: pair.accessToken } })).status).toBe(204);
    expect((await me(pair.accessToken)).status).toBe(401);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it("answers 204 to an unknown token (RFC 7009) and changes nothing", async () => {
    const pair = await signedIn();
    for (const token of ["rt_never-issued", "garbage", await mint({ sid: randomUUID(), sub: randomUUID() }, SECRET, Math.floor(Date.now() / 1000) + 600)]) {
      const res = await api.call("POST", "/auth/revoke", { body: { token } });
      expect(res.status).toBe(204);
    }
    expect((await me(pair.accessToken)).status).toBe(200);
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM api_sessions WHERE revoked_at IS NOT NULL AND id = $1", [decodeJwt(pair.accessToken).sid]);
    expect(rows[0].n).toBe(0);
  });

  it("answers 422 to an empty or extra-field body", async () => {
    expect((await api.call("POST", "/auth/revoke", { body: { token: "" } })).status).toBe(422);
    expect((await api.call("POST", "/auth/revoke", { body: { token: "t", all: true } })).status).toBe(422);
  });
});

describe("access tokens", () => {
  it("a token expired by its exp claim is 401, though its session is alive", async () => {
    const pair = await signedIn();
    const claims = decodeJwt(pair.accessToken) as { sid: string; sub: string };
    // Control: a token minted the same way but unexpired is accepted, so only the expiry differs.
    const fresh = await mint(claims, SECRET, Math.floor(Date.now() / 1000) + 600);
    expect((await me(fresh)).status).toBe(200);
    const expired = await mint(claims, SECRET, Math.floor(Date.now() / 1000) - 10);
    const res = await me(expired);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe("unauthenticated");
    expect((await me(pair.accessToken)).status).toBe(200);
  });

  it("a tampered token, one signed with another secret, or one naming another user is 401", async () => {
    const pair = await signedIn();
    const claims = decodeJwt(pair.accessToken) as { sid: string; sub: string };
    const [header, payload, signature] = pair.accessToken.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(pair.accessToken), sub: randomUUID() })).toString("base64url");
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    const otherSecret = await mint(claims, "another-secret-0123456789-abcdefghijklmnop", Math.floor(Date.now() / 1000) + 600);
    const wrongUser = await mint({ sid: claims.sid, sub: randomUUID() }, SECRET, Math.floor(Date.now() / 1000) + 600);
    for (const token of [`${header}.${forged}.${signature}`, `${header}.${payload}.${flipped}`, otherSecret, wrongUser, "abc", `${header}.${payload}.`]) {
      const res = await me(token);
      expect(res.status, token).toBe(401);
    }
    const none = await api.call<Problem>("GET", "/auth/me", {});
    expect(none.status).toBe(401);
    expect((await me(pair.accessToken)).status).toBe(200);
  });
});

describe("refresh token families", () => {
  it("presenting any earlier refresh token of the session, not only the last one, revokes it: t0 after t0→t1→t2→t3 ends t3", async () => {
    const t0 = await signedIn();
    const chain = [t0];
    for (let i = 0; i < 3; i++) {
      const res = await api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: chain.at(-1)!.refreshToken } });
      expect(res.status).toBe(200);
      chain.push(res.body);
    }
    const t3 = chain[3]!;
    expect((await me(t3.accessToken)).status).toBe(200);

    const replay = await api.call<Problem>("POST", "/auth/refresh", { body: { refreshToken: t0.refreshToken } });
    expect(replay.status).toBe(401);
    expect((await me(t3.accessToken)).status).toBe(401);
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: t3.refreshToken } })).status).toBe(401);
    const { rows } = await pool.query("SELECT revoked_at FROM api_sessions WHERE id = $1", [decodeJwt(t3.accessToken).sid]);
    expect(rows[0].revoked_at).not.toBeNull();
  });

  it("a middle token of the chain (t1 after t0→t1→t2) revokes the session too", async () => {
    const t0 = await signedIn();
    const t1 = (await api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: t0.refreshToken } })).body;
    const t2 = (await api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: t1.refreshToken } })).body;
    const t3 = (await api.call<Pair>("POST", "/auth/refresh", { body: { refreshToken: t2.refreshToken } })).body;
    expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: t1.refreshToken } })).status).toBe(401);
    expect((await me(t3.accessToken)).status).toBe(401);
  });
});

/** A browser session row of the user, as a sign-in in the shop would write it. */
async function browserSession(email: string): Promise<string> {
  const id = randomUUID();
  await pool.query(`INSERT INTO auth_sessions (id, user_id, expires_at) SELECT $1, id, now() + interval '1 day' FROM users WHERE email = $2`, [id, email]);
  return id;
}
const browserSessionsOf = async (email: string) =>
  (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1`, [email])).rows[0]!.n;

describe("POST /auth/password", () => {
  it("changes the password with the current one, and ends every API and browser session of the account, no one else's", async () => {
    const email = await registered();
    const caller = await signedIn(email);
    const other = await signedIn(email);
    await browserSession(email);
    await browserSession(email);
    const stranger = await signedIn();

    const res = await api.call("POST", "/auth/password", { token: caller.accessToken, body: { currentPassword: PASSWORD, newPassword: "a brand new password" } });
    expect(res.status).toBe(204);
    for (const pair of [caller, other]) {
      expect((await me(pair.accessToken)).status).toBe(401);
      expect((await api.call("POST", "/auth/refresh", { body: { refreshToken: pair.refreshToken } })).status).toBe(401);
    }
    expect(await browserSessionsOf(email)).toBe(0);
    expect((await me(stranger.accessToken)).status).toBe(200);
    expect((await api.call("POST", "/auth/token", { body: { email, password: PASSWORD } })).status).toBe(401);
    expect((await api.call("POST", "/auth/token", { body: { email, password: "a brand new password" } })).status).toBe(200);
  });

  it("refuses a wrong current password with 422 on body.currentPassword and changes nothing", async () => {
    const email = await registered();
    const caller = await signedIn(email);
    const res = await api.call<Problem>("POST", "/auth/password", { token: caller.accessToken, body: { currentPassword: "not-the-password", newPassword: "a brand new password" } });
    expect(res.status).toBe(422);
    expect(res.body.errors!.map((e) => e.path)).toEqual(["body.currentPassword"]);
    expect((await me(caller.accessToken)).status).toBe(200);
    const short = await api.call<Problem>("POST", "/auth/password", { token: caller.accessToken, body: { currentPassword: PASSWORD, newPassword: "short" } });
    expect(short.status).toBe(422);
    expect(short.body.errors!.map((e) => e.path)).toEqual(["body.newPassword"]);
    expect((await api.call("POST", "/auth/password", { body: { currentPassword: PASSWORD, newPassword: "a brand new password" } })).status).toBe(401);
  });
});

describe("POST /auth/sign-out-everywhere", () => {
  it("revokes every API session and ends every browser session of the caller's account, and says how many", async () => {
    const email = await registered();
    const caller = await signedIn(email);
    const other = await signedIn(email);
    await browserSession(email);
    const stranger = await signedIn();
    const res = await api.call<{ browserSessions: number; apiSessions: number }>("POST", "/auth/sign-out-everywhere", { token: caller.accessToken });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ browserSessions: 1, apiSessions: 2 });
    expect((await me(caller.accessToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(401);
    expect(await browserSessionsOf(email)).toBe(0);
    expect((await me(stranger.accessToken)).status).toBe(200);
  });
});
