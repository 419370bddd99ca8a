"use server";

import { z } from "zod";
import { formAction } from "@/app/_lib/action";
import { signIn, signInFailure, tooManyAttemptsMessage } from "@/app/_lib/auth";
import { returnToSchema } from "@/app/_lib/safe-redirect";
import { getServices } from "@/lib/composition/root";

const registerSchema = z
  .object({
    name: z.string().trim().min(1, "Enter your name").max(100, "At most 100 characters"),
    email: z.email("Enter a valid email address").max(254, "At most 254 characters"),
    password: z.string().min(8, "At least 8 characters").max(200, "At most 200 characters"),
    callbackUrl: returnToSchema.optional(),
  })
  .strict();

export const registerAction = formAction(registerSchema, async (input) => {
  await getServices().registerUser({ name: input.name, email: input.email, password: input.password });
  try {
    // Signing in merges the guest cart too (see authorize in app/_lib/auth.ts).
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: input.callbackUrl ?? "/" });
  } catch (error) {
    // The sign-in counts against this address's limit like any other.
    const failure = signInFailure(error);
    if (failure?.kind !== "throttled") throw error;
    return { ok: false, message: `Your account was created. ${tooManyAttemptsMessage(failure.retryAfterMinutes)}` };
  }
});
