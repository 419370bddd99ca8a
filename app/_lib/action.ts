import { redirect } from "next/navigation";
import { z } from "zod";
import { webLogger } from "@/lib/composition/logger";
import { errorReference } from "@/lib/composition/request-context";
import { AppError, isAppError, type ErrorCode } from "@/lib/domain/errors";
import type { User } from "@/lib/domain/user";
import { CORRECT_FIELDS, fieldIssues } from "@/lib/domain/validation";
import { getCurrentUser } from "./auth";

import type { FormState } from "@/components/form-state";

export type { FormState };

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  unauthenticated: "Please sign in first.",
  forbidden: "You are not allowed to do that.",
  unavailable: "The shop is busy right now. Please try again.",
  internal: "Something went wrong on our side. Please try again.",
};

export function toFormState(error: unknown, values?: Record<string, string>): FormState {
  if (isAppError(error) && error.code !== "internal") {
    const fieldErrors = Object.fromEntries(error.fields.map((f) => [f.path, f.message]));
    return { ok: false, message: MESSAGES[error.code] ?? error.message, fieldErrors, values };
  }
  webLogger().error("server action failed", { err: error });
  return { ok: false, message: `${MESSAGES.internal}${errorReference()}`, values };
}

function zodFieldErrors(error: z.ZodError): Record<string, string> {
  return Object.fromEntries(fieldIssues(error).map((f) => [f.path, f.message]));
}

// Never echoed back into a form: secrets and card numbers.
const SECRET_FIELDS = new Set(["password", "confirmPassword", "currentPassword", "newPassword", "cardNumber"]);

/**
 * The one wrapper for server actions: parses FormData with zod, resolves the
 * user (when required), calls the use case, and maps errors to form state.
 * A redirect thrown by the handler passes through.
 */
export function formAction<S extends z.ZodType, R = void>(
  schema: S,
  handler: (input: z.infer<S>, ctx: { user: User | null }) => Promise<FormState | R>,
  options: {
    requireUser?: boolean;
    signInReturnTo?: (input: Record<string, string>) => string;
    /** Runs before the input is parsed; throwing an AppError refuses the action without reading further. */
    authorize?: (user: User | null) => void;
  } = {},
) {
  return async (_prev: FormState, formData: FormData): Promise<FormState> => {
    const raw: Record<string, string> = {};
    for (const [k, v] of formData.entries()) if (typeof v === "string" && !k.startsWith("$")) raw[k] = v;
    const values = Object.fromEntries(Object.entries(raw).filter(([k]) => !SECRET_FIELDS.has(k)));
    const user = await getCurrentUser();
    if (options.requireUser && !user) {
      const back = options.signInReturnTo?.(raw) ?? "/";
      redirect(`/signin?callbackUrl=${encodeURIComponent(back)}`);
    }
    if (options.authorize) {
      try {
        options.authorize(user);
      } catch (error) {
        return toFormState(error);
      }
    }
    // PostgreSQL text cannot hold NUL: refuse it by the field rather than fail in the database.
    const withNul = Object.keys(raw).filter((k) => raw[k]!.includes("\u0000"));
    if (withNul.length > 0) {
      return { ok: false, message: CORRECT_FIELDS, fieldErrors: Object.fromEntries(withNul.map((k) => [k, "Contains a character that is not allowed"])), values };
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      return { ok: false, message: CORRECT_FIELDS, fieldErrors: zodFieldErrors(parsed.error), values };
    }
    let result: FormState | R;
    try {
      result = await handler(parsed.data, { user });
    } catch (error) {
      if (isRedirect(error)) throw error;
      return toFormState(error, values);
    }
    return isFormState(result) ? result : { ok: true };
  };
}

function isFormState(x: unknown): x is FormState {
  return typeof x === "object" && x !== null && "ok" in x;
}

function isRedirect(error: unknown): boolean {
  return typeof error === "object" && error !== null && "digest" in error && String((error as { digest: unknown }).digest).startsWith("NEXT_REDIRECT");
}

export function requireUser(user: User | null): User {
  if (!user) throw new AppError("unauthenticated", "Please sign in first.");
  return user;
}
