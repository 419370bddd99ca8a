"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";
import { forgetAddress, rememberAddress } from "./address-cookie";
import { placeOrderFormSchema, shippingAddressFormSchema } from "./schemas";

export const saveShippingAddress = formAction(
  shippingAddressFormSchema,
  async (address, { user }) => {
    await rememberAddress(requireUser(user).id, address);
    redirect("/checkout/review");
  },
  { requireUser: true, signInReturnTo: () => "/checkout" },
);

/** The key identifies this checkout attempt: a double click, a refresh or a retry returns the same order. */
export const placeOrder = formAction(
  placeOrderFormSchema,
  async ({ checkoutKey, reviewedTotalMinor, ...shipTo }, { user }) => {
    const u = requireUser(user);
    let orderId: string;
    try {
      const { order } = await getServices().orders.placeOrder({
        userId: u.id,
        email: u.email,
        checkoutKey,
        shipTo,
        expectedTotalMinor: reviewedTotalMinor,
      });
      orderId = order.id;
    } catch (error) {
      // The cart changed since the review: show the review again with today's numbers.
      if (isAppError(error, "validation") && error.fields.some((f) => f.path === "total")) revalidatePath("/checkout/review");
      throw error;
    }
    await forgetAddress();
    // The header asks for the (now empty) cart's count again on the order page.
    redirect(`/orders/${orderId}`);
  },
  { requireUser: true, signInReturnTo: () => "/checkout" },
);
