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

/**
 * Label, control and its error, wired by id: `field-<name>` for the control and
 * `field-<name>-error` for the message, so every form's errors are found the same way.
 */
function FieldFrame({ label, name, error, control }: { label: string; name: string; error?: string; control: (a11y: FieldA11y) => React.ReactNode }) {
  const id = `field-${name}`;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      {control({ id, name, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined })}
      {error ? (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

interface FieldA11y {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

export function Field({
  label,
  name,
  error,
  ...input
}: { label: string; name: string; error?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} name={name} error={error} control={(a11y) => <input {...a11y} className="rounded border border-slate-300 px-3 py-2" {...input} />} />
  );
}

export function SelectField({
  label,
  name,
  error,
  options,
  placeholder,
  ...select
}: {
  label: string;
  name: string;
  error?: string;
  options: readonly { value: string; label: string }[];
  placeholder?: string;
} & React.SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame
      label={label}
      name={name}
      error={error}
      control={(a11y) => (
        <select {...a11y} className="rounded border border-slate-300 bg-white px-3 py-2" {...select}>
          {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}

export function FormMessage({ ok, message }: { ok: boolean; message?: string }) {
  return (
    <p role={ok ? "status" : "alert"} aria-live="polite" className={ok ? "text-sm text-green-700" : "text-sm text-red-700"}>
      {message ?? ""}
    </p>
  );
}
