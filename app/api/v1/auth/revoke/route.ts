import { getServices } from "@/lib/composition/root";
import { revoke } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const POST = handle(revoke, async ({ body, signal }) => {
  await getServices().auth.apiTokens.revoke(body.token, signal);
  return { status: 204 };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
