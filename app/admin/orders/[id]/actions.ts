"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { wholeNumberText } from "@/app/_lib/form-numbers";
import { getServices } from "@/lib/composition/root";
import { AppError, isAppError } from "@/lib/domain/errors";
import { formatMoney } from "@/lib/domain/money";
import { CORRECT_FIELDS, parseInput } from "@/lib/domain/validation";
import { refundAmountMinor } from "./refund-input";

/** The version the page was rendered with, as a number; the use case refuses one that is not (NaN) by its field. */
const expectedVersion = z.string().max(12).pipe(wholeNumberText());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One action for the order page's three moves, so the page shows one message.
 * The edge checks the form's shape; the use case checks the values (and the
 * role, the version and the state machine) and answers by field.
 */
export const orderTransitionAction = adminAction(
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("ship"), orderId: z.string().max(64), expectedVersion, trackingReference: z.string().max(500) }).strict(),
    z.object({ intent: z.literal("complete"), orderId: z.string().max(64), expectedVersion }).strict(),
    z.object({ intent: z.literal("cancel"), orderId: z.string().max(64), expectedVersion }).strict(),
  ]),
  async (input, { admin }) => {
    const orders = getServices().admin.orders;
    let message: string;
    if (input.intent === "ship") {
      await orders.ship(admin, input);
      message = "Order marked as shipped. The customer gets an email with the tracking reference.";
    } else if (input.intent === "complete") {
      await orders.complete(admin, input);
      message = "Order marked as completed.";
    } else {
      const order = await orders.cancel(admin, input);
      // The cancellation opened a refund of what the order held; the worker makes it.
      message = order.refundDue ? "Order cancelled. Its payment will be refunded." : "Order cancelled.";
    }
    revalidatePath(`/admin/orders/${input.orderId}`);
    revalidatePath("/admin/orders");
    return { ok: true, message };
  },
  { returnTo: (raw) => (raw.orderId && UUID.test(raw.orderId) ? `/admin/orders/${raw.orderId}` : "/admin/orders") },
);

/**
 * A full or partial refund of the order's charge. The amount arrives as the
 * admin typed it, in the currency's major units; it is read in the order's
 * currency. requestKey is rendered once per form, so a resubmitted form is one
 * refund. The use case checks the amount against what is left, under the
 * order's lock, and makes the processor call before answering.
 */
export const refundOrderAction = adminAction(
  z
    .object({
      orderId: z.uuid({ message: "No such order" }),
      requestKey: z.uuid({ message: "This refund form expired; reload the page." }),
      amount: z.string().max(40, "Enter an amount like 12.50"),
    })
    .strict(),
  async (input, { admin }) => {
    const services = getServices();
    try {
      const { order } = await services.admin.orders.get(admin, input.orderId);
      const amountMinor = parseInput(refundAmountMinor(order.total.currency), input.amount, { whole: "amount" });
      const refund = await services.admin.refundOrder(admin, { orderId: order.id, amountMinor, requestKey: input.requestKey });
      const text = formatMoney(refund.amount);
      return {
        ok: true,
        message: refund.state === "succeeded" ? `Refunded ${text} to the customer's card.` : `A refund of ${text} is under way; the worker finishes it if the processor is slow.`,
      };
    } catch (error) {
      throw byAmountField(error);
    } finally {
      // Whatever happened, the page shows the refunds as they are now (and renders a new requestKey).
      revalidatePath(`/admin/orders/${input.orderId}`);
      revalidatePath("/admin/orders");
    }
  },
  { returnTo: (raw) => (raw.orderId && UUID.test(raw.orderId) ? `/admin/orders/${raw.orderId}` : "/admin/orders") },
);

/** The use case names the amount in minor units (amountMinor); the form's one field is amount, in major units. */
function byAmountField(error: unknown): unknown {
  const issue = isAppError(error, "validation") ? error.fields.find((f) => f.path === "amountMinor") : undefined;
  return issue ? new AppError("validation", CORRECT_FIELDS, { fields: [{ path: "amount", message: issue.message }], cause: error }) : error;
}
