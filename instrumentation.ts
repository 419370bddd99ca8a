/**
 * Next.js calls register() once when a server starts, before it serves a
 * request: the Content-Security-Policy (ADR 014), tracing, the request wrapper
 * (access log, x-trace-id, request metrics) and the logger start here (ADR 013),
 * and the configuration is checked (a production start with unsafe secrets
 * exits). onRequestError reports what
 * a page, a route handler or a server action threw and nobody caught.
 */
import type { Instrumentation } from "next";

export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Every response's Content-Security-Policy, with a fresh nonce per request (ADR 014).
  const { installContentSecurityPolicy } = await import("./lib/infrastructure/security/security-headers");
  installContentSecurityPolicy({ dev: process.env.NODE_ENV === "development" });
  const { startWebObservability } = await import("./lib/composition/observability");
  await startWebObservability();
  // Before the first request: a configuration production refuses stops the server here.
  const { refuseUnsafeWebStart } = await import("./lib/composition/startup");
  await refuseUnsafeWebStart();
}

export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { reportRequestError } = await import("./lib/composition/observability");
  reportRequestError(error, request, context);
};
