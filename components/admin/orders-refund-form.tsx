"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState, type FormState } from "@/components/form-state";

type Action = (state: FormState, formData: FormData) => Promise<FormState>;

/**
 * Gives back part or all of what is left of the order's charge. requestKey is
 * rendered once per form (the page makes a new one after every answer), so a
 * form sent twice refunds once. The form is keyed by it: after a refund it
 * starts again from the new "what is left", while the message stays.
 */
export function OrderRefundForm({
  orderId,
  requestKey,
  currency,
  leftText,
  defaultAmount,
  action,
}: {
  orderId: string;
  requestKey: string;
  currency: string;
  /** What is left to refund, formatted ("$12.50"); null when nothing is. */
  leftText: string | null;
  /** What is left, as the field takes it ("12.50"). */
  defaultAmount: string;
  action: Action;
}) {
  const [state, dispatch] = useActionState(action, initialFormState);
  const errors = state.fieldErrors ?? {};
  return (
    <section aria-labelledby="refund-heading" className="space-y-3">
      <h2 id="refund-heading" className="text-lg font-semibold">
        Refund
      </h2>
      {leftText === null ? (
        <p className="text-sm text-slate-600">Nothing is left to refund.</p>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            Up to <span data-testid="refundable">{leftText}</span> can be given back to the customer&apos;s card.
          </p>
          <form key={requestKey} action={dispatch} className="flex flex-wrap items-end gap-2" noValidate>
            <input type="hidden" name="orderId" value={orderId} />
            <input type="hidden" name="requestKey" value={requestKey} />
            <Field
              label={`Amount to refund (${currency})`}
              name="amount"
              inputMode="decimal"
              autoComplete="off"
              required
              defaultValue={!state.ok && state.values?.amount !== undefined ? state.values.amount : defaultAmount}
              error={errors.amount}
            />
            <SubmitButton>Refund</SubmitButton>
          </form>
        </>
      )}
      {/* A broken or expired form has no field to show its error by. */}
      <FormMessage ok={state.ok} message={errors.requestKey ?? errors.orderId ?? errors.form ?? state.message} />
    </section>
  );
}
