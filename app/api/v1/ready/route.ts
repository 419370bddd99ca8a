import { getServices } from "@/lib/composition/root";
import { ready } from "../_contract/system";
import { handle } from "../_lib/handle";

export const dynamic = "force-dynamic";

export const GET = handle(ready, async () => {
  const checks = await getServices().readiness();
  const ok = checks.postgres.ok && checks.kafka.ok;
  return { status: ok ? 200 : 503, body: { status: ok ? "ready" : "unavailable", checks } };
});
