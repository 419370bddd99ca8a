import { z } from "zod";
import { personName } from "@/lib/domain/user";
import { defineEndpoint, ProblemSchema, type Endpoint } from "../_lib/endpoint";

/** Trimmed and lower-cased before it is checked, as the shop's forms and the users table do. */
const Email = z.string().trim().toLowerCase().max(254, "At most 254 characters").email("Enter a valid email address").describe("Case-insensitive");
/** The same bounds as the shop's registration form. */
const NewPassword = z.string().min(8, "At least 8 characters").max(200, "At most 200 characters");
/** Opaque tokens: bounded so no one can post megabytes to be hashed. */
const Token = z.string().min(1, "Required").max(4096, "At most 4096 characters");

const ApiUser = z
  .object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(["customer", "admin"]) })
  .meta({ id: "ApiUser" });

const TokenPair = z
  .object({
    tokenType: z.literal("Bearer"),
    accessToken: z.string().describe("Send as Authorization: Bearer <accessToken>"),
    expiresIn: z.number().int().describe("Seconds until the access token expires"),
    refreshToken: z.string().describe("Single use: POST /auth/refresh returns a new one; presenting a used one again revokes the session"),
    refreshExpiresIn: z.number().int().describe("Seconds until the refresh token expires"),
  })
  .meta({ id: "TokenPair" });

export const register = defineEndpoint({
  method: "POST",
  path: "/auth/register",
  operationId: "register",
  summary: "Register a customer account; the answer is the same whether or not the email already has one.",
  description:
    "So that nobody can find out which emails have accounts, a new email and a taken one get the same answer (202). " +
    "A new email gets a customer account and a welcome email; a taken one gets nothing created, and the account's owner " +
    "gets an email saying someone tried to register with their address. The account can then sign in with POST /auth/token. " +
    "Throttled per client address and for everyone together (429 with Retry-After).",
  tag: "auth",
  access: "none",
  rateLimit: "auth",
  body: z
    .object({
      email: Email,
      name: personName.describe("One line of plain text: no control characters, < > or web addresses"),
      password: NewPassword,
    })
    .strict()
    .meta({ id: "RegisterRequest" }),
  responses: {
    202: {
      description: "Accepted: check the mailbox of the email (whether an account was created is not said)",
      schema: z.object({ detail: z.string() }).meta({ id: "RegistrationAccepted" }),
    },
  },
});

export const token = defineEndpoint({
  method: "POST",
  path: "/auth/token",
  operationId: "issueToken",
  summary: "Exchange email and password for an access token and a refresh token.",
  description:
    "Failed attempts are counted per account and per client address; past the limit every attempt (also a right one) " +
    "is answered 429 with Retry-After until the window passes.",
  tag: "auth",
  access: "none",
  rateLimit: "auth",
  body: z
    .object({ email: Email, password: z.string().min(1, "Enter your password").max(200, "At most 200 characters") })
    .strict()
    .meta({ id: "TokenRequest" }),
  responses: {
    200: { description: "Signed in", schema: TokenPair },
    401: { description: "Email or password is incorrect (code unauthenticated), or an invalid Authorization header was sent", schema: ProblemSchema },
  },
});

export const refresh = defineEndpoint({
  method: "POST",
  path: "/auth/refresh",
  operationId: "refreshToken",
  summary: "Exchange a refresh token for a new access token and refresh token.",
  description: "The refresh token is rotated: the one sent stops working. Sending an already used one revokes the whole session.",
  tag: "auth",
  access: "none",
  rateLimit: "auth",
  body: z.object({ refreshToken: Token }).strict().meta({ id: "RefreshRequest" }),
  responses: {
    200: { description: "A new token pair", schema: TokenPair },
    401: { description: "The refresh token is invalid, expired, revoked or was already used (code unauthenticated), or an invalid Authorization header was sent", schema: ProblemSchema },
  },
});

export const revoke = defineEndpoint({
  method: "POST",
  path: "/auth/revoke",
  operationId: "revokeToken",
  summary: "Sign out: end the session of an access token or a refresh token.",
  description: "Every access and refresh token of the session stops working at once. An unknown token is answered 204 too (RFC 7009).",
  tag: "auth",
  access: "none",
  rateLimit: "auth",
  body: z.object({ token: Token.describe("An access token or a refresh token") }).strict().meta({ id: "RevokeRequest" }),
  responses: {
    204: { description: "The session is ended (or the token was unknown)" },
  },
});

export const me = defineEndpoint({
  method: "GET",
  path: "/auth/me",
  operationId: "me",
  summary: "The account the token (or session) speaks for.",
  tag: "auth",
  access: "user",
  responses: {
    200: { description: "The caller", schema: z.object({ user: ApiUser }) },
  },
});

export const changePassword = defineEndpoint({
  method: "POST",
  path: "/auth/password",
  operationId: "changePassword",
  summary: "Change the caller's password; every other session of the account ends.",
  description:
    "Needs the current password (a wrong one counts as a failed sign-in, and is throttled like one). On success every API session " +
    "of the account is revoked, including the caller's own when it called with a bearer token (sign in again with the new password), " +
    "and every browser session but the one the call came from (when it came with the shop's session cookie).",
  tag: "auth",
  access: "user",
  rateLimit: "auth",
  body: z
    .object({
      currentPassword: z.string().min(1, "Enter your current password").max(200, "At most 200 characters"),
      newPassword: NewPassword,
    })
    .strict()
    .meta({ id: "ChangePasswordRequest" }),
  responses: {
    204: { description: "The password is changed and the other sessions have ended" },
  },
});

export const signOutEverywhere = defineEndpoint({
  method: "POST",
  path: "/auth/sign-out-everywhere",
  operationId: "signOutEverywhere",
  summary: "End every session of the caller's account: all API sessions and all browser sessions but the calling one.",
  description:
    "Every API session is revoked, the caller's own too when it called with a bearer token. A call made with the shop's " +
    "session cookie keeps that browser signed in.",
  tag: "auth",
  access: "user",
  rateLimit: "auth",
  responses: {
    200: {
      description: "How many sessions ended",
      schema: z
        .object({ browserSessions: z.number().int().describe("Browser sessions ended"), apiSessions: z.number().int().describe("API sessions revoked") })
        .meta({ id: "SessionsEnded" }),
    },
  },
});

/** The auth endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const AUTH_ENDPOINTS: readonly Endpoint[] = [register, token, refresh, revoke, me, changePassword, signOutEverywhere];
