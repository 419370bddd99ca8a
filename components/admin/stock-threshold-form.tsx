"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";

/** The stock at or below which the product shows on the low-stock list. */
export function StockThresholdForm({
  variantId,
  threshold,
  action: serverAction,
}: {
  variantId: string;
  threshold: number;
  action: (prev: FormState, data: FormData) => Promise<FormState>;
}) {
  const [state, action] = useActionState(serverAction, initialFormState);
  const errors = state.fieldErrors ?? {};
  return (
    <form action={action} className="flex max-w-md flex-col gap-4" noValidate aria-labelledby="threshold-heading">
      <h2 id="threshold-heading" className="text-lg font-semibold">
        Low-stock threshold
      </h2>
      <input type="hidden" name="variantId" value={variantId} />
      {/* Keyed by the saved value: the field shows it again after each save. */}
      <Field
        key={`threshold-${threshold}`}
        label="List as low at or below"
        name="threshold"
        type="number"
        min={0}
        step={1}
        inputMode="numeric"
        required
        defaultValue={state.ok ? String(threshold) : (state.values?.threshold ?? String(threshold))}
        error={errors.threshold}
      />
      {errors.variantId ? <p className="text-sm text-red-700">{errors.variantId}</p> : null}
      <div>
        <SubmitButton>Save threshold</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
