"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/app/_lib/form-state";
import { removeCartItem, updateCartItem } from "./actions";

export function CartLineControls({ itemId, quantity, name }: { itemId: string; quantity: number; name: string }) {
  const [updateState, update] = useActionState(updateCartItem, initialFormState);
  const [removeState, remove] = useActionState(removeCartItem, initialFormState);
  const error = updateState.fieldErrors?.quantity;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={update} className="flex items-center gap-2" noValidate>
        <input type="hidden" name="itemId" value={itemId} />
        <label htmlFor={`qty-${itemId}`} className="sr-only">
          Quantity of {name}
        </label>
        <input
          id={`qty-${itemId}`}
          name="quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={99}
          defaultValue={updateState.values?.quantity ?? String(quantity)}
          aria-invalid={error ? true : undefined}
          className="w-20 rounded border border-slate-300 px-2 py-1"
        />
        <SubmitButton className="px-3 py-1 text-sm">Update</SubmitButton>
      </form>
      <form action={remove}>
        <input type="hidden" name="itemId" value={itemId} />
        <button type="submit" className="text-sm text-red-700 underline" aria-label={`Remove ${name}`}>
          Remove
        </button>
      </form>
      <div className="basis-full">
        <FormMessage ok={updateState.ok && !removeState.message} message={error ?? updateState.message ?? removeState.message} />
      </div>
    </div>
  );
}
