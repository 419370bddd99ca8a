"use server";

import { z } from "zod";
import { formAction, toFormState } from "@/app/_lib/action";
import { signIn, signInFailure, tooManyAttemptsMessage } from "@/app/_lib/auth";
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
      const failure = signInFailure(error);
      if (failure?.kind === "throttled") return { ok: false, message: tooManyAttemptsMessage(failure.retryAfterMinutes), values: { email: input.email } };
      if (failure?.kind === "invalid") return { ok: false, message: "Email or password is incorrect.", values: { email: input.email } };
      // next-auth wraps what authorize threw (e.g. the database is unreachable); map that, not the wrapper.
      const cause = (error as { cause?: { err?: unknown } } | null)?.cause?.err;
      if (cause !== undefined) return toFormState(cause, { email: input.email });
      throw error;
    }
  },
);
