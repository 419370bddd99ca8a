import { isAppError, AppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { register } from "../../_contract/auth";
import { handle } from "../../_lib/handle";

export const dynamic = "force-dynamic";

export const POST = handle(register, async ({ body, signal }) => {
  try {
    const user = await getServices().registerUser({ email: body.email, name: body.name, password: body.password }, signal);
    return { status: 201, body: { user: { id: user.id, email: user.email, name: user.name, role: user.role } }, headers: { location: "/api/v1/auth/token" } };
  } catch (error) {
    if (isAppError(error, "conflict")) {
      // The use case names the form field; the API names the body's.
      throw new AppError("conflict", "An account with this email already exists.", {
        cause: error,
        fields: [{ path: "body.email", message: "An account with this email already exists" }],
      });
    }
    throw error;
  }
});
