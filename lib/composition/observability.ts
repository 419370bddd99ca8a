/**
 * The processes' observability (ADR 013). The web's is started by
 * instrumentation.ts: the tracer provider, the request wrapper that logs and
 * measures every request, and the report of errors nothing else caught. The
 * worker's by workers/main.ts: the tracer provider.
 */
import type { Instrumentation } from "next";
import { loadRouteClassifier, observeHttpRequests } from "../infrastructure/observability/http-requests";
import { loadEdgeEnv } from "../infrastructure/config/env";
import { webMetrics } from "../infrastructure/observability/metrics";
import { startTracing } from "../infrastructure/observability/tracing";
import { webLogger, type Logger } from "./logger";

export type { Tracing } from "../infrastructure/observability/tracing";

/** The worker's tracer provider; started before the services, so their first queries are traced. */
export const startWorkerTracing = () => startTracing("storefront-worker");

export async function startWebObservability(): Promise<void> {
  const tracing = await startTracing("storefront-web");
  const log = webLogger();
  const metrics = webMetrics();
  const edge = loadEdgeEnv();
  observeHttpRequests({
    log,
    classify: loadRouteClassifier(),
    trustedProxyHops: edge.TRUSTED_PROXY_HOPS,
    // The largest body any route reads is an image upload; actions have their own limit (next.config.js).
    bodyLimits: { action: edge.ACTION_BODY_LIMIT_BYTES, any: Math.max(edge.UPLOAD_BODY_LIMIT_BYTES, edge.JSON_BODY_LIMIT_BYTES) },
    onBodyRefused: () => metrics.requestBodiesRefused.inc({ route: "(declared)" }),
    onFinished: ({ method, route, status, seconds }) => metrics.httpRequestSeconds.observe({ method, route, status: String(status) }, seconds),
  });
  logProcessWarnings(log);
  log.info(tracing.exporting ? "tracing: exporting spans to Zipkin" : "tracing: no exporter configured (trace ids only)");
}

/**
 * Node's process warnings (deprecations, listener leaks) as structured log
 * lines, instead of Node's own plain stderr line: the default printer is a
 * "warning" listener Node adds at start, replaced here.
 */
export function logProcessWarnings(log: Logger): void {
  process.removeAllListeners("warning");
  process.on("warning", (warning) => log.warn(`process warning ${warning.name}: ${warning.message}`, { code: (warning as { code?: string }).code }));
}

/** An error a page, route handler or action threw and nothing caught: logged once, with its cause chain, route and digest (the reference the error page shows). */
export function reportRequestError(...[error, request, context]: Parameters<Instrumentation.onRequestError>): void {
  webLogger().error("request failed", {
    err: error,
    method: request.method,
    route: context.routePath,
    route_type: context.routeType,
    digest: (error as { digest?: unknown } | null)?.digest,
  });
}
