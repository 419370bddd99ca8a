import { createHash } from "node:crypto";
import type { z } from "zod";
import { multiply } from "@/lib/domain/money";
import { describeStatusChange, type Order } from "@/lib/domain/order";
import type { OrderPayment } from "@/lib/domain/payment";
import type { OrderPaymentSchema, OrderSchema } from "../_contract/orders";

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
      variantId: l.variantId,
      sku: l.sku,
      name: l.name,
      variantTitle: l.variantTitle,
      unitPrice: { ...l.unitPrice },
      quantity: l.quantity,
      lineTotal: { ...multiply(l.unitPrice, l.quantity) },
    })),
    trackingReference: order.trackingReference,
    timeline: order.timeline.map((t) => ({ status: t.status, description: describeStatusChange(t), reason: t.reason, at: t.at.toISOString() })),
    reservedUntil: order.reservedUntil?.toISOString() ?? null,
    paidAt: order.paidAt?.toISOString() ?? null,
    refundDue: order.refundDue,
    payment: paymentJson(order.payment),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** An order's money (OrderPaymentSchema), for the shopper's and the back office's order JSON alike. */
export function paymentJson(payment: OrderPayment): z.input<typeof OrderPaymentSchema> {
  return {
    chargedMinor: payment.chargedMinor,
    refundedMinor: payment.refundedMinor,
    refundingMinor: payment.refundingMinor,
    voidingMinor: payment.voidingMinor,
    cardLast4: payment.cardLast4,
    refunds: payment.refunds.map((r) => ({
      id: r.id,
      amountMinor: r.amount.amountMinor,
      currency: r.amount.currency,
      state: r.state,
      reason: r.reason,
      createdAt: r.at.toISOString(),
    })),
  };
}

/**
 * A key of at most 64 characters derived from the caller and their
 * Idempotency-Key: the same (user, key) always gives the same value, so the
 * use case's own duplicate protection (checkout, payment, refund key) holds even
 * when the stored idempotent response is gone.
 */
export function derivedKey(purpose: "checkout" | "payment" | "refund", userId: string, idempotencyKey: string): string {
  return createHash("sha256").update(`${purpose}\n${userId}\n${idempotencyKey}`).digest("hex");
}
