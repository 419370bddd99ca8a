"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { ROLES } from "@/lib/domain/user";

/**
 * Promotes or demotes a user. The form sends `confirmed=yes` only from its
 * confirmation step, so a stray click changes nothing. The use case refuses to
 * demote the last admin; an admin who steps down leaves the back office.
 */
export const setUserRoleAction = adminAction(
  z
    .object({
      userId: z.uuid({ message: "No such user" }),
      role: z.enum(ROLES, { message: "Choose a role" }),
      confirmed: z.literal("yes", { message: "Confirm the change first" }),
    })
    .strict(),
  async (input, { admin }) => {
    const result = await getServices().admin.users.setRole(admin, { userId: input.userId, role: input.role });
    const { user } = result;
    if (user.id === admin.id && user.role !== "admin") redirect("/");
    revalidatePath("/admin/users");
    const now = user.role === "admin" ? "an admin" : "a customer";
    return { ok: true, message: result.changed ? `${user.email} is now ${now}.` : `${user.email} already is ${now}.` };
  },
  { returnTo: () => "/admin/users" },
);
