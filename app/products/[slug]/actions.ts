"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { MAX_LINE_QUANTITY } from "@/lib/domain/cart";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";

const addToCartSchema = z
  .object({
    productId: z.uuid({ message: "No such product" }),
    slug: z.string().max(160).optional(),
    quantity: z.coerce
      .number({ message: "Enter a number" })
      .int("Enter a whole number")
      .min(1, "At least 1")
      .max(MAX_LINE_QUANTITY, `At most ${MAX_LINE_QUANTITY}`),
  })
  .strict();

export const addToCart = formAction(
  addToCartSchema,
  async (input, { user }) => {
    const { summary } = await getServices().cart.addItem(requireUser(user).id, { productId: input.productId, quantity: input.quantity });
    revalidatePath("/", "layout");
    return { ok: true, message: `Added to your cart (${summary.itemCount} items).` };
  },
  { requireUser: true, signInReturnTo: (raw) => (raw.slug ? `/products/${raw.slug}` : "/") },
);
