"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/app/_lib/form-state";
import { checkout } from "./actions";

/** The key identifies this checkout attempt: resubmitting it returns the same order. */
export function CheckoutForm({ checkoutKey }: { checkoutKey: string }) {
  const [state, action] = useActionState(checkout, initialFormState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <SubmitButton>Place order</SubmitButton>
      <FormMessage ok={state.ok} message={state.message ?? state.fieldErrors?.checkoutKey} />
    </form>
  );
}
