"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/app/_lib/form-state";
import { payOrderAction } from "./actions";

/** paymentKey identifies this attempt: submitting it twice charges once; the page renders a new one after a decline. */
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
