import { clientIp } from "@/app/_lib/client-ip";
import { getServices } from "@/lib/composition/root";
import { register } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const POST = handle(register, async ({ body, request, signal }) => {
  await getServices().auth.registerUser({ email: body.email, name: body.name, password: body.password, ip: clientIp(request.headers) }, signal);
  // One answer for a new email and a taken one: what happened is told by email, to the address's owner.
  return { status: 202, body: { detail: "Check your email to continue." } };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
