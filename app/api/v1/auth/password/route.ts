import { clientIp } from "@/app/_lib/client-ip";
import { AppError, isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { changePassword } from "../../_contract/auth";
import { handle, otherMethods } from "../../_lib/handle";
import { callingBrowserSession } from "../browser-session";

export const dynamic = "force-dynamic";

export const POST = handle(changePassword, async ({ body, user, request, signal }) => {
  try {
    await getServices().auth.accountSecurity.changePassword(
      { user, currentPassword: body.currentPassword, newPassword: body.newPassword, ip: clientIp(request.headers), keepSessionId: await callingBrowserSession(request) },
      signal,
    );
  } catch (error) {
    // The use case names the form's fields; the API names the body's.
    if (isAppError(error, "validation")) throw new AppError("validation", error.message, { cause: error, fields: error.fields.map((f) => ({ ...f, path: `body.${f.path}` })) });
    throw error;
  }
  return { status: 204 };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
