"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/app/_lib/form-state";
import { registerAction } from "./actions";

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(registerAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Name" name="name" autoComplete="name" required defaultValue={state.values?.name} error={state.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} error={state.fieldErrors?.password} />
      <FormMessage ok={state.ok} message={state.message} />
      <SubmitButton>Create account</SubmitButton>
    </form>
  );
}
