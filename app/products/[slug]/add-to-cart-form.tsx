"use client";

import { useActionState } from "react";
import { Field, FormMessage, SubmitButton } from "@/components/form-controls";
import { useCartCount } from "@/components/cart/cart-count";
import { initialFormState, type FormState } from "@/components/form-state";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { addToCart } from "./actions";

export function AddToCartForm({ productId, variantId, slug, soldOut }: { productId: string; variantId: string | null; slug: string; soldOut: boolean }) {
  const { adjust, setCount } = useCartCount();
  // The server's count is set inside the action, so the header never steps back to the old one.
  const [state, dispatch] = useActionState(async (previous: FormState, formData: FormData) => {
    const result = await addToCart(previous, formData);
    if (result.cartCount !== undefined) setCount(result.cartCount);
    return result;
  }, initialFormState);
  // The header count moves at once; if the server refuses (e.g. not enough
  // stock), it falls back when the action ends and the field shows why.
  const action = (formData: FormData) => {
    const quantity = Number(formData.get("quantity"));
    if (Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY) adjust(quantity);
    dispatch(formData);
  };
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" noValidate>
      <input type="hidden" name="productId" value={productId} />
      {variantId ? <input type="hidden" name="variantId" value={variantId} /> : null}
      <input type="hidden" name="slug" value={slug} />
      <div className="w-28">
        <Field label="Quantity" name="quantity" type="number" inputMode="numeric" min={1} max={MAX_LINE_QUANTITY} defaultValue={state.values?.quantity ?? "1"} error={state.fieldErrors?.quantity} />
      </div>
      <SubmitButton disabled={soldOut}>{soldOut ? "Sold out" : "Add to cart"}</SubmitButton>
      <div className="basis-full">
        <FormMessage ok={state.ok} message={state.message ?? state.fieldErrors?.variantId ?? state.fieldErrors?.productId} />
      </div>
    </form>
  );
}
