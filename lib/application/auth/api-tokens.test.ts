import { describe, expect, it } from "vitest";
import { isAppError } from "../../domain/errors";
import type { User } from "../../domain/user";
import { makeApiTokens, type AccessTokenSigner, type ApiSessionStore } from "./api-tokens";

const user: User = { id: "user-1", email: "a@example.com", name: "A", role: "customer" };

function fakes() {
  const sessions = new Map<string, { userId: string; hash: string; used: Set<string>; expiresAt: Date; revokedAt: Date | null }>();
  const store: ApiSessionStore = {
    async create(s) {
      sessions.set(s.id, { userId: s.userId, hash: s.refreshTokenHash, used: new Set(), expiresAt: s.expiresAt, revokedAt: null });
    },
    async findByRefreshHash(hash) {
      for (const [id, s] of sessions) {
        if (s.hash === hash || s.used.has(hash)) return { id, userId: s.userId, current: s.hash === hash, expiresAt: s.expiresAt, revokedAt: s.revokedAt };
      }
      return null;
    },
    async rotate(id, from, to) {
      const s = sessions.get(id)!;
      if (s.hash !== from || s.revokedAt) return false;
      s.used.add(from);
      s.hash = to;
      return true;
    },
    async revoke(id, at) {
      const s = sessions.get(id);
      if (s && !s.revokedAt) s.revokedAt = at;
    },
    async revokeAllForUser(userId, at) {
      let n = 0;
      for (const s of sessions.values()) if (s.userId === userId && !s.revokedAt) {
          s.revokedAt = at;
          n++;
        }
      return n;
    },
    async findActiveUser(id, now) {
      const s = sessions.get(id);
      return s && !s.revokedAt && s.expiresAt > now ? user : null;
    },
  };
  // A transparent "signature": enough to test the use case's rules, not the cryptography (jose does that).
  const signer: AccessTokenSigner = {
    async sign(claims, expiresIn) {
      return `at.${claims.sid}.${claims.sub}.${expiresIn}`;
    },
    async verify(token) {
      const m = /^at\.([^.]+)\.([^.]+)\.\d+$/.exec(token);
      return m ? { sid: m[1]!, sub: m[2]! } : null;
    },
  };
  let n = 0;
  const clock = { t: 0, now: () => new Date(clock.t) };
  let password = "right";
  const reused: string[] = [];
  const tokens = makeApiTokens({
    sessions: store,
    signer,
    authenticate: async (input) =>
      input.password === password ? { ok: true as const, user } : { ok: false as const, reason: "invalid" as const },
    ids: { uuid: () => `s${++n}` },
    clock,
    onReuse: (s) => reused.push(s.id),
  });
  return { tokens, sessions, clock, reused, setPassword: (p: string) => (password = p) };
}

const code = (e: unknown) => (isAppError(e) ? e.code : String(e));

describe("API tokens", () => {
  it("issues a pair for the right password only, and resolves the access token to its user", async () => {
    const { tokens } = fakes();
    await expect(tokens.issue({ email: user.email, password: "wrong" }).catch(code)).resolves.toBe("unauthenticated");
    const pair = await tokens.issue({ email: user.email, password: "right" });
    if ("throttled" in pair) throw new Error("throttled");
    expect(pair).toMatchObject({ tokenType: "Bearer", expiresIn: 900 });
    expect(pair.refreshToken).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(await tokens.resolve(pair.accessToken)).toEqual(user);
    expect(await tokens.resolve("garbage")).toBeNull();
  });

  it("rotates the refresh token; presenting the old one again revokes the session", async () => {
    const { tokens } = fakes();
    const first = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string; accessToken: string };
    const second = await tokens.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(await tokens.resolve(second.accessToken)).toEqual(user);
    // The old refresh token is a stolen copy now: refused, and the session ends.
    expect(await tokens.refresh(first.refreshToken).catch(code)).toBe("unauthenticated");
    expect(await tokens.refresh(second.refreshToken).catch(code)).toBe("unauthenticated");
    expect(await tokens.resolve(second.accessToken)).toBeNull();
  });

  it("presenting the first refresh token after three rotations revokes the session and tells whoever watches", async () => {
    const { tokens, reused } = fakes();
    const t0 = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string };
    const t1 = await tokens.refresh(t0.refreshToken);
    const t2 = await tokens.refresh(t1.refreshToken);
    const t3 = await tokens.refresh(t2.refreshToken);
    expect(await tokens.refresh(t0.refreshToken).catch(code)).toBe("unauthenticated");
    expect(await tokens.resolve(t3.accessToken)).toBeNull();
    expect(await tokens.refresh(t3.refreshToken).catch(code)).toBe("unauthenticated");
    expect(reused).toEqual(["s1"]);
  });

  it("revokes by access or refresh token, at once, and ignores unknown tokens", async () => {
    const { tokens } = fakes();
    const a = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string; accessToken: string };
    const b = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string; accessToken: string };
    await tokens.revoke(a.accessToken);
    expect(await tokens.resolve(a.accessToken)).toBeNull();
    expect(await tokens.refresh(a.refreshToken).catch(code)).toBe("unauthenticated");
    await tokens.revoke(b.refreshToken);
    expect(await tokens.resolve(b.accessToken)).toBeNull();
    await expect(tokens.revoke("nobody-knows-this")).resolves.toBeUndefined();
  });

  it("says how long the session has left: refreshing does not extend it", async () => {
    const { tokens, clock } = fakes();
    const first = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string; refreshExpiresIn: number };
    expect(first.refreshExpiresIn).toBe(30 * 24 * 3600);
    clock.t += 29 * 24 * 60 * 60 * 1000;
    const second = await tokens.refresh(first.refreshToken);
    expect(second.refreshExpiresIn).toBe(24 * 3600);
    clock.t += 24 * 60 * 60 * 1000;
    expect(await tokens.refresh(second.refreshToken).catch(code)).toBe("unauthenticated");
  });

  it("refuses a refresh after the session expired", async () => {
    const { tokens, clock } = fakes();
    const pair = (await tokens.issue({ email: user.email, password: "right" })) as { refreshToken: string };
    clock.t += 30 * 24 * 60 * 60 * 1000;
    expect(await tokens.refresh(pair.refreshToken).catch(code)).toBe("unauthenticated");
  });
});
