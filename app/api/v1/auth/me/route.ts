import { me } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const GET = handle(me, async ({ user }) => ({ status: 200, body: { user: { id: user.id, email: user.email, name: user.name, role: user.role } } }));

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
