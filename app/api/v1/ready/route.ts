import { getServices } from "@/lib/composition/root";
import { ready } from "../_contract/system";
import { handle, otherMethods } from "../_lib/handle";

export const dynamic = "force-dynamic";

/**
 * The verdict for anyone (a load balancer needs no more); which dependency
 * failed, and its driver's error text (host names, ports), only for an admin's
 * bearer token. Operators also have the worker's private /health/ready.
 */
export const GET = handle(ready, async ({ user }) => {
  const checks = await getServices().readiness();
  const ok = checks.postgres.ok && checks.kafka.ok;
  const status = ok ? "ready" : "unavailable";
  return { status: ok ? 200 : 503, body: user?.role === "admin" ? { status, checks } : { status } };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
