"use client";

import { useActionState, useEffect, useRef } from "react";
import { Field, FormMessage, SelectField, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";

const REASON_OPTIONS = [
  { value: "restock", label: "Restock (adds units)" },
  { value: "correction", label: "Correction (adds or removes)" },
  { value: "damage", label: "Damage (removes units)" },
] as const;

/** Adds or removes units of one product, with a reason and an optional note. */
export function StockAdjustForm({
  variantId,
  action: serverAction,
}: {
  variantId: string;
  action: (prev: FormState, data: FormData) => Promise<FormState>;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  const values = state.ok ? {} : (state.values ?? {});
  const errors = state.fieldErrors ?? {};
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [state]);

  return (
    <form ref={form} action={action} className="flex max-w-md flex-col gap-4" noValidate aria-labelledby="adjust-heading">
      <h2 id="adjust-heading" className="text-lg font-semibold">
        Adjust stock
      </h2>
      <input type="hidden" name="variantId" value={variantId} />
      <SelectField key={`reason-${values.reason ?? ""}`} label="Reason" name="reason" options={REASON_OPTIONS} defaultValue={values.reason ?? "restock"} error={errors.reason} />
      <Field
        label="Change in units (positive adds, negative removes)"
        name="delta"
        type="number"
        step={1}
        inputMode="numeric"
        required
        placeholder="e.g. 12 or -3"
        defaultValue={values.delta}
        error={errors.delta}
      />
      <Field label="Note (optional)" name="note" maxLength={200} defaultValue={values.note} error={errors.note} />
      {errors.variantId ? <p className="text-sm text-red-700">{errors.variantId}</p> : null}
      <div>
        <SubmitButton>Save adjustment</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
