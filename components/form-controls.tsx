"use client";

import { useFormStatus } from "react-dom";

export function SubmitButton({ children, className, ...rest }: React.ButtonHTMLAttributes<HTMLButtonElement>) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending || rest.disabled}
      aria-disabled={pending || rest.disabled}
      className={`rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800 disabled:opacity-60 ${className ?? ""}`}
      {...rest}
    >
      {children}
    </button>
  );
}

export function Field({
  label,
  name,
  error,
  ...input
}: { label: string; name: string; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="rounded border border-slate-300 px-3 py-2"
        {...input}
      />
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FormMessage({ ok, message }: { ok: boolean; message?: string }) {
  return (
    <p role={ok ? "status" : "alert"} aria-live="polite" className={ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
      {message ?? ""}
    </p>
  );
}
