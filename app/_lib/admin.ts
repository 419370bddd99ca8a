import { forbidden, redirect } from "next/navigation";
import type { z } from "zod";
import { requireAdmin } from "@/lib/application/admin/access";
import type { User } from "@/lib/domain/user";
import { getCurrentUser } from "./auth";
import { formAction, type FormState } from "./action";

/**
 * The back office's guards, one per kind of entry point. Each resolves the user
 * from the server-side session (so a demoted admin loses access at once); the
 * admin use cases check the role again (requireAdmin), so a missed guard here
 * still cannot change anything. Admin API routes (uploads included) are
 * /api/v1 endpoints with access "admin", guarded by handle().
 */

/** For admin pages and layouts: anonymous → sign-in, customer → 403 page. */
export async function requireAdminPage(returnTo: string): Promise<User> {
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (user.role !== "admin") forbidden();
  return user;
}

/**
 * For admin server actions: like formAction, plus anonymous → sign-in and
 * customer → "not allowed" without running the handler.
 */
export function adminAction<S extends z.ZodType, R = void>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { admin: User }) => Promise<FormState | R>,
  options: { returnTo?: (input: Record<string, string>) => string } = {},
) {
  return formAction(
    schema,
    // Checked again here for the type; authorize below has refused non-admins before the input is read.
    async (input, { user }) => handler(input, { admin: requireAdmin(user) as User }),
    {
      requireUser: true,
      signInReturnTo: options.returnTo ?? (() => "/admin"),
      // The role is checked before the form is parsed: a customer learns nothing about its fields.
      authorize: (user) => void requireAdmin(user),
    },
  );
}
