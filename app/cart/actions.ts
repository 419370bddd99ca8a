"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { getServices } from "@/lib/composition/root";
import { formAction } from "@/app/_lib/action";
import { currentCartOwner } from "@/app/_lib/guest-cart";
import { AppError } from "@/lib/domain/errors";
import type { User } from "@/lib/domain/user";

const itemId = z.uuid({ message: "That item is not in your cart" });

/** A guest with no cart cookie has no lines to change. */
async function existingCartOwner(user: User | null) {
  const owner = await currentCartOwner(user);
  if (!owner) throw new AppError("not_found", "That item is not in your cart");
  return owner;
}

// Guests change their own cart like signed-in shoppers do; neither can reach
// another shopper's line (the use case looks lines up inside the owner's cart).
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
    const { summary } = await getServices().cart.updateItem(await existingCartOwner(user), input);
    // The cart page is rendered per request: show it again. The header takes the count from here.
    refresh();
    return { ok: true, message: "Quantity updated.", cartCount: summary.itemCount };
  },
);

export const removeCartItem = formAction(z.object({ itemId }).strict(), async (input, { user }) => {
  const { summary } = await getServices().cart.removeItem(await existingCartOwner(user), input.itemId);
  refresh();
  return { ok: true, message: "Removed from your cart.", cartCount: summary.itemCount };
});
