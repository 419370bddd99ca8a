/**
 * What the web's routes tell the request wrapper (ADR 013), and the trace id
 * an error message quotes so a shopper's report leads to the request's logs
 * and trace.
 */
export { noteRequestUser } from "../infrastructure/observability/http-requests";
export { activeTraceId } from "../infrastructure/observability/tracing";
export { CLIENT_ADDRESS_HEADER } from "../infrastructure/observability/client-address";
export { loadEdgeEnv as edgeSettings } from "../infrastructure/config/env";

import { activeTraceId } from "../infrastructure/observability/tracing";
import { webMetrics } from "../infrastructure/observability/metrics";
import { webLogger } from "./logger";

/**
 * A request body refused for its size (413, unread): logged and counted, since
 * a steady stream of them is someone trying to fill the web's memory.
 */
export function noteBodyRefused(route: string, request: Request, limit: number, declared?: number): void {
  webMetrics().requestBodiesRefused.inc({ route });
  webLogger().warn("request body over the limit refused", { method: request.method, path: new URL(request.url).pathname, limit, declared });
}

/**
 * " (reference <trace id>)" for an error message: the active trace's id, else
 * the one the request wrapper gave the request (in its headers, when tracing
 * is off); "" when neither is known.
 */
export function errorReference(headers?: Headers | null): string {
  const id = activeTraceId() ?? headers?.get("x-trace-id") ?? undefined;
  return id && /^[0-9a-f]{32}$/.test(id) ? ` (reference ${id})` : "";
}
