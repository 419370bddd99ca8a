import { createHash } from "node:crypto";
import type { z } from "zod";
import { multiply } from "@/lib/domain/money";
import { describeStatusChange, type Order } from "@/lib/domain/order";
import type { OrderSchema } from "../_contract/orders";

/**
 * The public JSON shape of an order (OrderSchema): money as integer minor units
 * with a currency, dates as ISO strings. Internal fields (the version, the user,
 * which admin made a change) stay out.
 */
export function orderJson(order: Order): z.input<typeof OrderSchema> {
  return {
    id: order.id,
    status: order.status,
    cancellationReason: order.cancellationReason,
    subtotal: { ...order.subtotal },
    shipping: { ...order.shipping },
    total: { ...order.total },
    shipTo: order.shipTo ? { ...order.shipTo } : null,
    lines: order.lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: l.name,
      unitPrice: { ...l.unitPrice },
      quantity: l.quantity,
      lineTotal: { ...multiply(l.unitPrice, l.quantity) },
    })),
    trackingReference: order.trackingReference,
    timeline: order.timeline.map((t) => ({ status: t.status, description: describeStatusChange(t), reason: t.reason, at: t.at.toISOString() })),
    reservedUntil: order.reservedUntil?.toISOString() ?? null,
    paidAt: order.paidAt?.toISOString() ?? null,
    refundDue: order.refundDue,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/**
 * A key of at most 64 characters derived from the caller and their
 * Idempotency-Key: the same (user, key) always gives the same value, so the
 * use case's own duplicate protection (checkout key, payment key) holds even
 * when the stored idempotent response is gone.
 */
export function derivedKey(purpose: "checkout" | "payment", userId: string, idempotencyKey: string): string {
  return createHash("sha256").update(`${purpose}\n${userId}\n${idempotencyKey}`).digest("hex");
}
