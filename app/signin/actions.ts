"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { formAction } from "@/app/_lib/action";
import { signIn } from "@/app/_lib/auth";
import { returnToSchema } from "@/app/_lib/safe-redirect";

export const signInAction = formAction(
  z
    .object({
      email: z.email("Enter a valid email address").max(254),
      password: z.string().min(1, "Enter your password").max(200),
      callbackUrl: returnToSchema.optional(),
    })
    .strict(),
  async (input) => {
    try {
      await signIn("credentials", { email: input.email, password: input.password, redirectTo: input.callbackUrl ?? "/" });
    } catch (error) {
      if (error instanceof AuthError) {
        return { ok: false, message: "Email or password is incorrect.", values: { email: input.email } };
      }
      throw error;
    }
  },
);
