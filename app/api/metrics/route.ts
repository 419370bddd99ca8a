import { createHash, timingSafeEqual } from "node:crypto";
import { getServices } from "@/lib/composition/root";

export const dynamic = "force-dynamic";

/**
 * The web process's metrics for Prometheus (requests, orders, payments, cache
 * hits, rate limits, the process itself; the worker serves its own on
 * WORKER_HTTP_PORT). Off unless
 * METRICS_TOKEN is set, and then only for a scraper that sends it: this port
 * faces the public.
 */
export async function GET(request: Request) {
  const services = getServices();
  const token = services.env.METRICS_TOKEN;
  if (!token) return new Response("Not found", { status: 404 });
  if (!sameSecret(request.headers.get("authorization") ?? "", `Bearer ${token}`)) {
    return new Response("Unauthorized", { status: 401, headers: { "www-authenticate": "Bearer" } });
  }
  // The process-wide web metrics (getServices counts into them).
  const { registry } = services.metrics;
  const body = await registry.render(request.signal);
  return new Response(body, { headers: { "content-type": registry.contentType, "cache-control": "no-store" } });
}

/** Compared in constant time (hashed first, so lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
