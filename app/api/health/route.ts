export const dynamic = "force-dynamic";

/** Liveness: the process answers. Readiness (database, Kafka) comes with the public API. */
export function GET() {
  return Response.json({ status: "ok" });
}
