/**
 * What the web's routes tell the request wrapper (ADR 013), and the trace id
 * an error message quotes so a shopper's report leads to the request's logs
 * and trace.
 */
export { noteRequestUser } from "../infrastructure/observability/http-requests";
export { activeTraceId } from "../infrastructure/observability/tracing";

import { activeTraceId } from "../infrastructure/observability/tracing";

/**
 * " (reference <trace id>)" for an error message: the active trace's id, else
 * the one the request wrapper gave the request (in its headers, when tracing
 * is off); "" when neither is known.
 */
export function errorReference(headers?: Headers | null): string {
  const id = activeTraceId() ?? headers?.get("x-trace-id") ?? undefined;
  return id && /^[0-9a-f]{32}$/.test(id) ? ` (reference ${id})` : "";
}
