"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { cancelOrderAction } from "./actions";

export function CancelOrderForm({ orderId }: { orderId: string }) {
  const [state, action] = useActionState(cancelOrderAction, initialFormState);
  return (
    <form action={action} className="flex flex-col items-start gap-2">
      <input type="hidden" name="orderId" value={orderId} />
      <SubmitButton className="bg-red-700 hover:bg-red-800">Cancel order</SubmitButton>
      <FormMessage ok={state.ok} message={state.message ?? state.fieldErrors?.orderId} />
    </form>
  );
}
