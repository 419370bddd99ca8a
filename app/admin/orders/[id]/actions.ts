"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One action for the order page's three moves, so the page shows one message.
 * The edge checks the form's shape; the use case checks the values (and the
 * role, the version and the state machine) and answers by field.
 */
export const orderTransitionAction = adminAction(
  z.discriminatedUnion("intent", [
    z.object({ intent: z.literal("ship"), orderId: z.string().max(64), expectedVersion: z.string().max(12), trackingReference: z.string().max(500) }).strict(),
    z.object({ intent: z.literal("complete"), orderId: z.string().max(64), expectedVersion: z.string().max(12) }).strict(),
    z.object({ intent: z.literal("cancel"), orderId: z.string().max(64), expectedVersion: z.string().max(12) }).strict(),
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
      message = order.refundDue ? "Order cancelled. Its payment is marked for refund." : "Order cancelled.";
    }
    revalidatePath(`/admin/orders/${input.orderId}`);
    revalidatePath("/admin/orders");
    return { ok: true, message };
  },
  { returnTo: (raw) => (raw.orderId && UUID.test(raw.orderId) ? `/admin/orders/${raw.orderId}` : "/admin/orders") },
);
