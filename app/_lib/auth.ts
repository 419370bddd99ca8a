import NextAuth from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { cache } from "react";
import { z } from "zod";
import { SESSION_TTL_SECONDS } from "@/lib/application/auth/sessions";
import type { User } from "@/lib/domain/user";
import { getServices } from "@/lib/composition/root";

declare module "next-auth" {
  interface User {
    sessionId?: string;
  }
  interface Session {
    sid?: string;
  }
}

const credentialsSchema = z.object({ email: z.email().max(254), password: z.string().min(1).max(200) });

/**
 * next-auth with email + password. The JWT cookie carries only a server-side
 * session id; signing out deletes that session, so a copied cookie stops
 * working too. Every request resolves the session against PostgreSQL.
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  // A wrong password is an expected outcome, shown by the form; not an error to log.
  logger: {
    error(error) {
      if (error.name === "CredentialsSignin") return;
      console.error(`[auth] ${error.name}: ${error.message}`, error.cause ?? "");
    },
  },
  session: { strategy: "jwt", maxAge: SESSION_TTL_SECONDS },
  pages: { signIn: "/signin" },
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw) {
        const parsed = credentialsSchema.safeParse(raw);
        if (!parsed.success) return null;
        const services = getServices();
        const user = await services.authenticate(parsed.data.email, parsed.data.password);
        if (!user) return null;
        const { sessionId } = await services.sessions.start(user.id);
        return { id: user.id, email: user.email, name: user.name, sessionId };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.sessionId) token.sid = user.sessionId;
      return token;
    },
    session({ session, token }) {
      if (typeof token.sid === "string") session.sid = token.sid;
      return session;
    },
  },
  events: {
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await getServices().sessions.end(sid);
    },
  },
});

/** The signed-in user for this request, or null. Checked against the session table. */
export const getCurrentUser = cache(async (): Promise<User | null> => {
  const session = await auth();
  if (!session?.sid) return null;
  return getServices().sessions.resolve(session.sid);
});
