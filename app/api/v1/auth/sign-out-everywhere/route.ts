import { getServices } from "@/lib/composition/root";
import { signOutEverywhere } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";
import { callingBrowserSession } from "../browser-session";

export const dynamic = "force-dynamic";

export const POST = handle(signOutEverywhere, async ({ user, request, signal }) => ({
  status: 200,
  body: await getServices().auth.accountSecurity.signOutEverywhere({ user, keepSessionId: await callingBrowserSession(request) }, signal),
}));

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
