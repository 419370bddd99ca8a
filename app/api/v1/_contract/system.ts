import { z } from "zod";
import { defineEndpoint, type Endpoint } from "../_lib/endpoint";

const Check = z.union([
  z.object({ ok: z.literal(true), latencyMs: z.number().int() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
const Readiness = z
  .object({
    status: z.enum(["ready", "unavailable"]),
    checks: z.object({ postgres: Check, kafka: Check }).optional().describe("Each dependency's check: only for an admin's bearer token"),
  })
  .meta({ id: "Readiness" });

export const health = defineEndpoint({
  method: "GET",
  path: "/health",
  operationId: "health",
  summary: "Liveness: the web process answers.",
  description: "Not rate limited: a prober gets its answer whatever else is going on, and Redis is not asked.",
  tag: "system",
  access: "none",
  rateLimit: "none",
  responses: { 200: { description: "Alive", schema: z.object({ status: z.literal("ok") }) } },
});

export const ready = defineEndpoint({
  method: "GET",
  path: "/ready",
  operationId: "ready",
  summary: "Readiness: PostgreSQL and Kafka are reachable.",
  description: "Anyone learns ready or unavailable; an admin (bearer token) also gets each dependency's check.",
  tag: "system",
  access: "none",
  responses: {
    200: { description: "Every dependency answered", schema: Readiness },
    503: { description: "A dependency did not answer (which one is in checks, for an admin)", schema: Readiness },
  },
});

/** The system endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const SYSTEM_ENDPOINTS: readonly Endpoint[] = [health, ready];
