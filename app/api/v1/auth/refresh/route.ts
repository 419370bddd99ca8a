import { getServices } from "@/lib/composition/root";
import { refresh } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const POST = handle(refresh, async ({ body, signal }) => ({ status: 200, body: await getServices().auth.apiTokens.refresh(body.refreshToken, signal) }));

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
