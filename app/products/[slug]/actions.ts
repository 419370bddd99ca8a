"use server";

import { z } from "zod";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { getServices } from "@/lib/composition/root";
import { formAction } from "@/app/_lib/action";
import { cartOwnerForUpdate } from "@/app/_lib/guest-cart";

const addToCartSchema = z
  .object({
    productId: z.uuid({ message: "No such product" }),
    // The variant chosen on the page; a product sold in one variant needs none.
    variantId: z.uuid({ message: "No such product" }).optional(),
    slug: z.string().max(160).optional(),
    quantity: z.coerce
      .number({ message: "Enter a number" })
      .int("Enter a whole number")
      .min(1, "At least 1")
      .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY}`),
  })
  .strict();

/** Guests add to a cart of their own (see app/_lib/guest-cart.ts); signing in merges it. */
export const addToCart = formAction(addToCartSchema, async (input, { user }) => {
  const owner = await cartOwnerForUpdate(user);
  const { summary } = await getServices().cart.addItem(owner, { productId: input.productId, variantId: input.variantId, quantity: input.quantity });
  // No revalidation: the page is the same for everyone (and cached); the header takes the count from here.
  return { ok: true, message: `Added to your cart (${summary.itemCount} ${summary.itemCount === 1 ? "item" : "items"}).`, cartCount: summary.itemCount };
});
