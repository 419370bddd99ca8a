"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { formAction, requireUser } from "@/app/_lib/action";
import { declineMessage } from "@/lib/application/payments/pay-order";
import { isAppError } from "@/lib/domain/errors";
import type { FormState } from "@/components/form-state";

export const cancelOrderAction = formAction(
  z.object({ orderId: z.uuid({ message: "No such order" }) }).strict(),
  async (input, { user }) => {
    await getServices().orders.cancelOrder({ userId: requireUser(user).id, orderId: input.orderId });
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
    let result;
    try {
      result = await getServices().payments.payOrder({ userId: u.id, email: u.email, orderId: input.orderId, cardNumber: input.cardNumber, paymentKey: input.paymentKey });
    } catch (error) {
      return payFailure(error, input.orderId);
    }
    // Paid or declined, the key is spent: the page renders afresh, with the paid order or a new key.
    revalidatePath(`/orders/${input.orderId}`);
    if (!result.paid) {
      const message = declineMessage(result.reason);
      return { ok: false, message: `${message} You can try again or use another card.`, fieldErrors: { cardNumber: message } };
    }
    return { ok: true, message: "Payment received. Thank you!" };
  },
  { requireUser: true, signInReturnTo: (raw) => (raw.orderId ? `/orders/${raw.orderId}` : "/orders") },
);

/**
 * The payment's own refusals, worded for the shopper. rate_limited leaves the
 * form as it is; payment_in_progress renders the page again so it follows the
 * other attempt until the order is paid; after unavailable or conflict the key
 * names an attempt that is being reversed, so the page renders afresh with a
 * new key (the order may have changed too).
 */
function payFailure(error: unknown, orderId: string): FormState {
  if (isAppError(error, "payment_in_progress")) {
    // Another tab's payment is under way: render the page again, which then follows it until it is paid.
    revalidatePath(`/orders/${orderId}`);
    return { ok: false, message: error.message };
  }
  if (isAppError(error, "rate_limited")) {
    const wait = error.retryAfterSeconds;
    return { ok: false, message: wait ? `${error.message} You can try again in ${waitText(wait)}.` : error.message };
  }
  if (isAppError(error, "unavailable") || isAppError(error, "conflict")) {
    revalidatePath(`/orders/${orderId}`);
    // Not the generic "shop is busy": the message says whether a charge was reversed.
    return { ok: false, message: error.message };
  }
  throw error;
}

function waitText(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}
