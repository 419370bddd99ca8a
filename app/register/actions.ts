"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { formAction } from "@/app/_lib/action";
import { clientIp } from "@/app/_lib/client-ip";
import { returnToSchema } from "@/app/_lib/safe-redirect";
import { getServices } from "@/lib/composition/root";
import { personName } from "@/lib/domain/user";

const registerSchema = z
  .object({
    name: personName,
    email: z.email("Enter a valid email address").max(254, "At most 254 characters"),
    password: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters"),
    callbackUrl: returnToSchema.optional(),
  })
  .strict();

/**
 * The same answer whether or not the email already has an account, so the form
 * cannot be used to find out which do: no automatic sign-in (that would tell),
 * a message to check the mailbox instead, where the welcome email or, for a
 * taken email, a note to its owner arrives. The new account signs in as usual.
 */
export const registerAction = formAction(registerSchema, async (input) => {
  await getServices().auth.registerUser({ name: input.name, email: input.email, password: input.password, ip: clientIp(await headers()) });
  return { ok: true, message: "Thank you. Check your email to continue, then sign in." };
});
