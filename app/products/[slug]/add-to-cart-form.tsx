"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/app/_lib/form-state";
import { addToCart } from "./actions";

export function AddToCartForm({ productId, slug, soldOut }: { productId: string; slug: string; soldOut: boolean }) {
  const [state, action] = useActionState(addToCart, initialFormState);
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" noValidate>
      <input type="hidden" name="productId" value={productId} />
      <input type="hidden" name="slug" value={slug} />
      <div className="w-28">
        <Field label="Quantity" name="quantity" type="number" inputMode="numeric" min={1} max={99} defaultValue={state.values?.quantity ?? "1"} error={state.fieldErrors?.quantity} />
      </div>
      <SubmitButton disabled={soldOut}>{soldOut ? "Sold out" : "Add to cart"}</SubmitButton>
      <div className="basis-full">
        <FormMessage ok={state.ok} message={state.message ?? state.fieldErrors?.productId} />
      </div>
    </form>
  );
}
