import { getServices } from "@/lib/composition/root";
import { clientIp } from "@/app/_lib/client-ip";
import { token } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";
import { problemBody } from "@/app/_lib/http";

export const dynamic = "force-dynamic";

export const POST = handle(token, async ({ body, request, signal }) => {
  const result = await getServices().auth.apiTokens.issue({ email: body.email, password: body.password, ip: clientIp(request.headers) }, signal);
  if ("throttled" in result) {
    const seconds = Math.max(1, Math.ceil(result.retryAfterMs / 1000));
    return { ...problemBody(429, "rate_limited", `Too many sign-in attempts; retry in ${seconds} s.`), headers: { "retry-after": String(seconds) } };
  }
  return { status: 200, body: result };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
