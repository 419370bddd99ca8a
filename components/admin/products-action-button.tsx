"use client";

import { useActionState } from "react";
import { initialFormState, type FormState } from "@/components/form-state";

export type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/** One button posting hidden fields to an admin server action, with its outcome announced beside it. */
export function ProductActionButton({
  action,
  fields,
  label,
  accessibleLabel,
  variant = "secondary",
}: {
  action: Action;
  fields: Record<string, string>;
  label: string;
  accessibleLabel?: string;
  variant?: "primary" | "secondary" | "danger";
}) {
  const [state, formAction, pending] = useActionState(action, initialFormState);
  const style =
    variant === "primary"
      ? "bg-indigo-700 text-white hover:bg-indigo-800"
      : variant === "danger"
        ? "border border-red-300 text-red-800 hover:bg-red-50"
        : "border border-slate-300 hover:bg-slate-100";
  return (
    <form action={formAction} className="inline-flex items-center gap-2">
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} readOnly />
      ))}
      <button type="submit" disabled={pending} aria-label={accessibleLabel} className={`rounded px-3 py-1 text-sm ${style} disabled:opacity-60`}>
        {label}
      </button>
      {state.message && !state.ok ? (
        <span role="alert" className="text-sm text-red-700">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}
