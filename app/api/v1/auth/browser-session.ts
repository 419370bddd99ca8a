/**
 * The browser session a cookie-authenticated API call came from, which the
 * account-wide sign-outs keep; null for a bearer-token call (handle() takes an
 * Authorization header over the cookie).
 */
export async function callingBrowserSession(request: Request): Promise<string | null> {
  if (request.headers.has("authorization")) return null;
  // Imported lazily, as handle() does: next-auth needs Next's request scope, which only cookie callers have.
  const { currentSessionId } = await import("@/app/_lib/auth");
  return currentSessionId();
}
