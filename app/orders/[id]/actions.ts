"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";
import { declineMessage } from "@/lib/application/payments/pay-order";

export const cancelOrderAction = formAction(
  z.object({ orderId: z.uuid({ message: "No such order" }) }).strict(),
  async (input, { user }) => {
    await getServices().cancelOrder({ userId: requireUser(user).id, orderId: input.orderId });
    revalidatePath(`/orders/${input.orderId}`);
    return { ok: true, message: "Your order is cancelled." };
  },
  { requireUser: true, signInReturnTo: (raw) => (raw.orderId ? `/orders/${raw.orderId}` : "/orders") },
);

export const payOrderAction = formAction(
  z
    .object({
      orderId: z.uuid({ message: "No such order" }),
      paymentKey: z.uuid({ message: "This payment form expired; reload the page." }),
      cardNumber: z
        .string()
        .transform((s) => s.replace(/[\s-]/g, ""))
        .pipe(z.string().regex(/^\d{12,19}$/, "Enter the 12 to 19 digits of your card number")),
    })
    .strict(),
  async (input, { user }) => {
    const u = requireUser(user);
    const result = await getServices().payOrder({ userId: u.id, email: u.email, orderId: input.orderId, cardNumber: input.cardNumber, paymentKey: input.paymentKey });
    revalidatePath(`/orders/${input.orderId}`);
    if (!result.paid) {
      const message = declineMessage(result.reason);
      return { ok: false, message: `${message} You can try again or use another card.`, fieldErrors: { cardNumber: message } };
    }
    return { ok: true, message: "Payment received. Thank you!" };
  },
  { requireUser: true, signInReturnTo: (raw) => (raw.orderId ? `/orders/${raw.orderId}` : "/orders") },
);
