"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { payOrderAction } from "./actions";

/**
 * paymentKey identifies this form's attempt: the page makes one per render, so
 * a double submit (or a resubmitted page) is one attempt and charges once. The
 * page renders afresh, with a new key, once the key is spent (a decline, or an
 * attempt that is being reversed); a refusal that spends nothing (a payment
 * already in progress, too many declines) keeps it. After a successful payment
 * the form is gone and the page's "Payment received" panel says so.
 */
export function PayOrderForm({ orderId, paymentKey, reservedUntil }: { orderId: string; paymentKey: string; reservedUntil: string | null }) {
  const [state, action] = useActionState(payOrderAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4" noValidate>
      <h2 className="text-lg font-semibold">Pay for your order</h2>
      {reservedUntil ? (
        <p className="text-sm text-slate-600">
          Your items are reserved until <time dateTime={reservedUntil}>{reservedUntil.slice(11, 16)} UTC</time>.
        </p>
      ) : null}
      <input type="hidden" name="orderId" value={orderId} />
      <input type="hidden" name="paymentKey" value={paymentKey} />
      <div className="max-w-xs">
        <Field
          label="Card number"
          name="cardNumber"
          inputMode="numeric"
          autoComplete="cc-number"
          placeholder="4242 4242 4242 4242"
          defaultValue={state.values?.cardNumber}
          error={state.fieldErrors?.cardNumber}
        />
      </div>
      <p className="text-xs text-slate-500">Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined.</p>
      <div>
        <SubmitButton>Pay now</SubmitButton>
      </div>
      <FormMessage ok={state.ok} message={state.message} />
    </form>
  );
}
