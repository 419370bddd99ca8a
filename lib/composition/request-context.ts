/**
 * What the web's routes tell the request wrapper (ADR 013), and the trace id
 * an error message quotes so a shopper's report leads to the request's logs
 * and trace.
 */
export { noteRequestUser } from "../infrastructure/observability/http-requests";
export { activeTraceId } from "../infrastructure/observability/tracing";

import { activeTraceId } from "../infrastructure/observability/tracing";

/** " (reference <trace id>)" for an error message, or "" outside a trace. */
export function errorReference(): string {
  const id = activeTraceId();
  return id ? ` (reference ${id})` : "";
}
