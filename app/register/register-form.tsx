"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { registerAction } from "./actions";

export function RegisterForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action] = useActionState(registerAction, initialFormState);
  if (state.ok) {
    return (
      <div className="flex flex-col gap-4">
        <FormMessage ok message={state.message} />
        <Link href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-indigo-700 underline">
          Continue to sign in
        </Link>
      </div>
    );
  }
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <Field label="Name" name="name" autoComplete="name" required maxLength={100} defaultValue={state.values?.name} error={state.fieldErrors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={state.values?.email} error={state.fieldErrors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} error={state.fieldErrors?.password} />
      <FormMessage ok={state.ok} message={state.message} />
      <SubmitButton>Create account</SubmitButton>
    </form>
  );
}
