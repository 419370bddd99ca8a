"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";

export const cancelOrderAction = formAction(
  z.object({ orderId: z.uuid({ message: "No such order" }) }).strict(),
  async (input, { user }) => {
    await getServices().cancelOrder({ userId: requireUser(user).id, orderId: input.orderId });
    revalidatePath(`/orders/${input.orderId}`);
    return { ok: true, message: "Your order is cancelled." };
  },
  { requireUser: true, signInReturnTo: (raw) => (raw.orderId ? `/orders/${raw.orderId}` : "/orders") },
);
