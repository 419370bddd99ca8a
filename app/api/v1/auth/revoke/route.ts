import { getServices } from "@/lib/composition/root";
import { revoke } from "../../_contract/auth";
import { handle } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const POST = handle(revoke, async ({ body, signal }) => {
  await getServices().apiTokens.revoke(body.token, signal);
  return { status: 204 };
});
