"use client";

import { useState } from "react";
import { SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { useCartCount } from "@/components/cart/cart-count";
import { removeCartItem, updateCartItem } from "./actions";

/** A line's new quantity; 0 means removed. */
export interface LineChange {
  itemId: string;
  quantity: number;
}

/**
 * Quantity and remove controls for one cart line. `quantity` is the server's;
 * `onChange` shows a change before the server answers (inside the form's
 * action, as useOptimistic requires), `onSettled` announces the outcome.
 */
export function CartLineControls({
  itemId,
  name,
  quantity,
  onChange,
  onSettled,
}: {
  itemId: string;
  name: string;
  quantity: number;
  onChange: (change: LineChange) => void;
  onSettled: (announcement: string) => void;
}) {
  const [draft, setDraft] = useState(String(quantity));
  const [error, setError] = useState<string | null>(null);
  const { setCount } = useCartCount();
  // When the server's quantity changes (this form's update, another tab, a
  // merge), the field follows it.
  const [seen, setSeen] = useState(quantity);
  if (seen !== quantity) {
    setSeen(quantity);
    setDraft(String(quantity));
  }

  async function update(formData: FormData) {
    const wanted = Number(formData.get("quantity"));
    if (Number.isInteger(wanted) && wanted >= 1 && wanted <= MAX_LINE_QUANTITY) onChange({ itemId, quantity: wanted });
    const result = await updateCartItem(initialFormState, formData);
    if (result.cartCount !== undefined) setCount(result.cartCount);
    if (result.ok) {
      setError(null);
      onSettled(`${name}: quantity updated to ${wanted}.`);
    } else {
      // The optimistic value has already fallen back; the field does too, with the server's reason.
      const reason = result.fieldErrors?.quantity ?? result.fieldErrors?.itemId ?? result.message ?? "Could not update the quantity.";
      setDraft(String(quantity));
      setError(reason);
      onSettled(`${name} was not changed: ${reason}`);
    }
  }

  async function remove(formData: FormData) {
    onChange({ itemId, quantity: 0 });
    const result = await removeCartItem(initialFormState, formData);
    if (result.cartCount !== undefined) setCount(result.cartCount);
    onSettled(result.ok ? `Removed ${name} from your cart.` : `${name} was not removed: ${result.message ?? "please try again."}`);
  }

  const inputId = `qty-${itemId}`;
  const errorId = `${inputId}-error`;
  return (
    <div className="flex flex-wrap items-start gap-2">
      <form action={update} className="flex flex-col gap-1" noValidate>
        <div className="flex items-center gap-2">
          <input type="hidden" name="itemId" value={itemId} />
          <label htmlFor={inputId} className="sr-only">
            Quantity of {name}
          </label>
          <input
            id={inputId}
            name="quantity"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_LINE_QUANTITY}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            className="w-20 rounded border border-slate-300 px-2 py-1"
          />
          <SubmitButton className="px-3 py-1 text-sm" aria-label={`Update quantity of ${name}`}>
            Update
          </SubmitButton>
        </div>
        {error ? (
          <p id={errorId} className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </form>
      <form action={remove}>
        <input type="hidden" name="itemId" value={itemId} />
        <button type="submit" className="py-1 text-sm text-red-700 underline" aria-label={`Remove ${name}`}>
          Remove
        </button>
      </form>
    </div>
  );
}
