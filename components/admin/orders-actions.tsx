"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";
import type { OrderStatus } from "@/lib/domain/order";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * The moves the state machine allows from the order's current status, each a
 * small form carrying the version the admin is looking at: if the order
 * changed meanwhile, the move is refused instead of overwriting it.
 */
export function OrderActions({ orderId, version, allowed, action }: { orderId: string; version: number; allowed: readonly OrderStatus[]; action: Action }) {
  const [state, dispatch] = useActionState(action, initialFormState);
  const hidden = (intent: string) => (
    <>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="expectedVersion" value={version} />
    </>
  );
  return (
    <section aria-labelledby="actions-heading" className="space-y-3">
      <h2 id="actions-heading" className="text-lg font-semibold">
        Actions
      </h2>
      {allowed.length === 0 ? <p className="text-sm text-slate-600">No further changes are possible for this order.</p> : null}
      <div className="flex flex-wrap items-end gap-6">
        {allowed.includes("shipped") ? (
          <form key={`ship-${version}`} action={dispatch} className="flex flex-wrap items-end gap-2">
            {hidden("ship")}
            <Field
              label="Tracking reference"
              name="trackingReference"
              required
              maxLength={100}
              autoComplete="off"
              defaultValue={state.values?.intent === "ship" ? state.values.trackingReference : ""}
              error={state.fieldErrors?.trackingReference}
            />
            <SubmitButton>Mark as shipped</SubmitButton>
          </form>
        ) : null}
        {allowed.includes("completed") ? (
          <form key={`complete-${version}`} action={dispatch}>
            {hidden("complete")}
            <SubmitButton>Mark as completed</SubmitButton>
          </form>
        ) : null}
        {allowed.includes("cancelled") ? (
          <form key={`cancel-${version}`} action={dispatch}>
            {hidden("cancel")}
            <SubmitButton className="bg-red-700 hover:bg-red-800">Cancel order</SubmitButton>
          </form>
        ) : null}
      </div>
      <FormMessage ok={state.ok} message={hiddenFieldError(state) ?? state.message} />
    </section>
  );
}

/** An error about a hidden field (a tampered or broken form) has no field to sit by: it becomes the message. */
function hiddenFieldError(state: FormState): string | undefined {
  const errors = state.fieldErrors ?? {};
  return errors.orderId ?? errors.expectedVersion ?? errors.intent ?? errors.form;
}
