"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";

const itemId = z.uuid({ message: "That item is not in your cart" });

export const updateCartItem = formAction(
  z
    .object({
      itemId,
      quantity: z.coerce
        .number({ message: "Enter a number" })
        .int("Enter a whole number")
        .min(1, "At least 1 (use Remove to delete)")
        .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY}`),
    })
    .strict(),
  async (input, { user }) => {
    await getServices().cart.updateItem(requireUser(user).id, input);
    revalidatePath("/", "layout");
    return { ok: true, message: "Quantity updated." };
  },
  { requireUser: true, signInReturnTo: () => "/cart" },
);

export const removeCartItem = formAction(
  z.object({ itemId }).strict(),
  async (input, { user }) => {
    await getServices().cart.removeItem(requireUser(user).id, input.itemId);
    revalidatePath("/", "layout");
    return { ok: true, message: "Removed from your cart." };
  },
  { requireUser: true, signInReturnTo: () => "/cart" },
);

export const checkout = formAction(
  z.object({ checkoutKey: z.uuid({ message: "This checkout form expired; reload the page." }) }).strict(),
  async (input, { user }) => {
    const u = requireUser(user);
    const { order } = await getServices().placeOrder({ userId: u.id, email: u.email, checkoutKey: input.checkoutKey });
    revalidatePath("/", "layout");
    redirect(`/orders/${order.id}`);
  },
  { requireUser: true, signInReturnTo: () => "/cart" },
);
