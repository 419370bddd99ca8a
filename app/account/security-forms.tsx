"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { changePasswordAction, signOutEverywhereAction } from "./actions";

export function ChangePasswordForm() {
  const [state, action] = useActionState(changePasswordAction, initialFormState);
  return (
    <form action={action} className="flex max-w-sm flex-col gap-4" noValidate aria-labelledby="change-password-heading">
      <h2 id="change-password-heading" className="text-xl font-semibold">
        Change your password
      </h2>
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={state.fieldErrors?.currentPassword} />
      <Field label="New password" name="newPassword" type="password" autoComplete="new-password" required minLength={8} error={state.fieldErrors?.newPassword} />
      <FormMessage ok={state.ok} message={state.message} />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}

export function SignOutEverywhereForm() {
  const [state, action] = useActionState(signOutEverywhereAction, initialFormState);
  return (
    <form action={action} className="flex max-w-sm flex-col gap-2" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading" className="text-xl font-semibold">
        Your sessions
      </h2>
      <p className="text-sm">Signed in on a computer you no longer use, or in an app? End every session but this one.</p>
      <FormMessage ok={state.ok} message={state.message} />
      <SubmitButton>Sign out everywhere else</SubmitButton>
    </form>
  );
}
