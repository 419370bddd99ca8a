"use client";

import Link from "next/link";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/form-controls";
import { initialFormState } from "@/components/form-state";
import { placeOrder } from "../actions";
import { ADDRESS_FIELDS } from "../schemas";

/**
 * The address the review shows travels with the order as hidden fields, so the
 * order ships where the shopper saw, even if another tab changed the address
 * since. The server validates all of it again.
 */
export function PlaceOrderForm({
  checkoutKey,
  address,
  reviewedTotalMinor,
}: {
  checkoutKey: string;
  address: Record<(typeof ADDRESS_FIELDS)[number], string>;
  reviewedTotalMinor: number;
}) {
  const [state, action] = useActionState(placeOrder, initialFormState);
  const errors = state.fieldErrors ?? {};
  const addressRefused = ADDRESS_FIELDS.some((f) => errors[f]);
  const message =
    errors.checkoutKey ?? errors.reviewedTotalMinor ?? (addressRefused ? "The shipping address needs correcting before we can ship." : state.message);
  return (
    <form action={action} className="flex flex-col gap-2">
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <input type="hidden" name="reviewedTotalMinor" value={String(reviewedTotalMinor)} />
      {ADDRESS_FIELDS.map((f) => (
        <input key={f} type="hidden" name={f} value={address[f]} />
      ))}
      {/* Nothing left to order: the links below say where to go instead. */}
      {errors.cart ? null : (
        <div>
          <SubmitButton>Place order</SubmitButton>
        </div>
      )}
      <FormMessage ok={state.ok} message={message} />
      {errors.cart ? (
        <p className="text-sm">
          <Link href="/orders" className="text-indigo-700 underline">
            See your orders
          </Link>{" "}
          or{" "}
          <Link href="/" className="text-indigo-700 underline">
            continue shopping
          </Link>
          .
        </p>
      ) : null}
      {addressRefused ? (
        <Link href="/checkout" className="text-sm text-indigo-700 underline">
          Edit the shipping address
        </Link>
      ) : null}
    </form>
  );
}
