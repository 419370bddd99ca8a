import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { cache } from "react";
import { z } from "zod";
import { SESSION_TTL_SECONDS } from "@/lib/application/auth/sessions";
import { describeMerge } from "@/lib/domain/cart";
import { webLogger } from "@/lib/composition/logger";
import { noteRequestUser } from "@/lib/composition/request-context";
import type { User } from "@/lib/domain/user";
import { getServices } from "@/lib/composition/root";
import { clientIp } from "./client-ip";
import { guestCartToMerge, setCartFlash } from "./guest-cart";

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
}

// Not .strict(): next-auth hands authorize the whole form body (callbackUrl, ...).
const credentialsSchema = z.object({ email: z.email().max(254), password: z.string().min(1).max(200) });

const RATE_LIMITED = "rate_limited";

/** Thrown from authorize: next-auth passes a CredentialsSignin (with its code) through to the caller. */
class TooManySignInAttempts extends CredentialsSignin {
  override code = RATE_LIMITED;
  constructor(readonly retryAfterMinutes: number) {
    super();
  }
}

/**
 * What a failed signIn() means for the form. Recognised by next-auth's error
 * type and our code rather than instanceof: bundlers may load these classes
 * more than once (see AppError).
 */
export function signInFailure(error: unknown): { kind: "invalid" } | { kind: "throttled"; retryAfterMinutes: number } | null {
  const e = error as { type?: unknown; code?: unknown; retryAfterMinutes?: unknown } | null;
  if (typeof e !== "object" || e === null || e.type !== "CredentialsSignin") return null;
  if (e.code === RATE_LIMITED && typeof e.retryAfterMinutes === "number") return { kind: "throttled", retryAfterMinutes: e.retryAfterMinutes };
  return { kind: "invalid" };
}

export function tooManyAttemptsMessage(minutes: number): string {
  return `Too many attempts; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`;
}

/**
 * Merges this browser's guest cart into the account that just signed in, and
 * leaves a note for the next page when something changed. Runs inside
 * authorize, which every credentials sign-in passes (the sign-in form,
 * registration's automatic sign-in, and a direct POST to next-auth's callback
 * route), so no path skips it; after signIn() in the actions it would need
 * repeating per action and would miss the callback route.
 */
async function mergeGuestCartInto(userId: string): Promise<void> {
  const guest = await guestCartToMerge();
  if (!guest) return;
  try {
    const result = await getServices().cart.mergeGuestCart({ userId, guestTokenHash: guest.tokenHash });
    await guest.forget();
    const message = describeMerge(result);
    if (message) await setCartFlash(message);
  } catch (error) {
    // The sign-in itself succeeded; the guest cart and its cookie stay, and the
    // next sign-in merges them.
    webLogger().error("merging the guest cart failed", { err: error });
  }
}

/**
 * next-auth with email + password. The JWT cookie carries only a server-side
 * session id; signing out deletes that session, so a copied cookie stops
 * working too. Every request resolves the session against PostgreSQL.
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  // A wrong password or a throttled attempt is an expected outcome, shown by the form; not an error to log.
  logger: {
    error(error) {
      if ((error as { type?: unknown }).type === "CredentialsSignin") return;
      webLogger().error(`[auth] ${error.name}`, { err: error });
    },
    warn(code) {
      webLogger().warn(`[auth] ${code}`);
    },
  },
  session: { strategy: "jwt", maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: "/signin" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const services = getServices();
        const result = await services.auth.authenticate({ ...parsed.data, ip: clientIp(request.headers) });
        if (!result.ok) {
          if (result.reason === "throttled") throw new TooManySignInAttempts(Math.max(1, Math.ceil(result.retryAfterMs / 60_000)));
          return null;
        }
        const { user } = result;
        // A new server-side session on every sign-in, and the one this browser
        // had (if any) ends: a session id never outlives the sign-in it was made for.
        const replacing = await currentSessionId();
        const { sessionId } = await services.auth.sessions.start(user, { replacing });
        await mergeGuestCartInto(user.id);
        return { id: user.id, email: user.email, name: user.name, sessionId };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.sessionId) token.sid = user.sessionId;
      return token;
    },
    /**
     * What GET /api/auth/session shows to the browser's JavaScript: when the
     * session ends, and nothing else. Not the sid (a script must not be able
     * to read it) and no user key: server-side, auth() puts the decoded JWT in
     * `user` when the callback returns none (next-auth's getSession in
     * node_modules/next-auth/lib/index.js: `{ user: token, ...session }`),
     * which is where currentSessionId() reads the sid.
     */
    session({ session }) {
      return { expires: session.expires } as typeof session;
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await getServices().auth.sessions.end(sid);
    },
  },
});

/**
 * The server-side session id in this request's session cookie, or null. Read
 * from the decoded JWT that auth() hands server code, never from what the
 * session callback shows the browser.
 */
export const currentSessionId = cache(async (): Promise<string | null> => sidOf(await auth()));

export function sidOf(serverSession: unknown): string | null {
  const sid = (serverSession as { user?: { sid?: unknown } } | null)?.user?.sid;
  return typeof sid === "string" && sid.length > 0 ? sid : null;
}

/** The signed-in user for this request, or null. Checked against the session table. */
export const getCurrentUser = cache(async (): Promise<User | null> => {
  const sid = await currentSessionId();
  if (!sid) return null;
  const user = await getServices().auth.sessions.resolve(sid);
  // auth() has read the cookies already: reading the headers makes nothing dynamic that was not.
  if (user) noteRequestUser(user.id, await headers());
  return user;
});
