import { health } from "../_contract/system";
import { handle, otherMethods } from "../_lib/handle";

export const dynamic = "force-dynamic";

export const GET = handle(health, async () => ({ status: 200, body: { status: "ok" } }));

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
