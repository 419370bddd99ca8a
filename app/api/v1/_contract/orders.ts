import { z } from "zod";
import { shippingAddressSchema } from "@/lib/domain/address";
import { MAX_AMOUNT_MINOR } from "@/lib/domain/money";
import { CANCELLATION_REASONS, ORDER_STATUSES } from "@/lib/domain/order";
import { REFUND_REASONS, REFUND_STATES } from "@/lib/domain/payment";
import { decodeOrderCursor } from "@/lib/application/orders/order-queries";
import { cursorQuery, defineEndpoint, MoneySchema, pageOf, ProblemSchema, uuidParam, type Endpoint } from "../_lib/endpoint";

const isoDate = z.iso.datetime();

const AddressSchema = z
  .object({
    name: z.string(),
    line1: z.string(),
    line2: z.string().nullable(),
    city: z.string(),
    postalCode: z.string(),
    country: z.string().length(2).describe("ISO 3166-1 alpha-2"),
  })
  .meta({ id: "Address" });

const OrderLineSchema = z
  .object({
    productId: z.uuid(),
    variantId: z.uuid().describe("The variant ordered: the unit of stock"),
    sku: z.string().describe("The variant's SKU when the order was placed"),
    name: z.string().describe("The product's name when the order was placed"),
    variantTitle: z.string().describe('The variant\'s option values when the order was placed, e.g. "Size: M / Wood: Oak"; empty without options'),
    unitPrice: MoneySchema,
    quantity: z.number().int().min(1),
    lineTotal: MoneySchema.describe("unitPrice × quantity"),
  })
  .meta({ id: "OrderLine" });

const TimelineEntrySchema = z
  .object({
    status: z.enum(ORDER_STATUSES),
    description: z.string().describe('How the shop describes the change, e.g. "Shipped — tracking 1Z999"'),
    reason: z.string().nullable().describe("Why (a cancellation reason) or a note (a payment reference, a tracking reference)"),
    at: isoDate,
  })
  .meta({ id: "OrderTimelineEntry" });

const RefundItemSchema = z
  .object({
    id: z.uuid(),
    amountMinor: z.number().int().describe("Integer minor units (cents)"),
    currency: z.string().length(3),
    state: z.enum(REFUND_STATES).describe("pending: asked for, not yet confirmed by the card processor (retried until it is); succeeded: given back"),
    reason: z.enum(REFUND_REASONS).describe("admin: a refund the shop decided; cancellation: what was left of the charge when the order was cancelled"),
    createdAt: isoDate,
  })
  .meta({ id: "OrderRefund" });

/** The order's money, derived from its payment and refund records (all integer minor units, in the order's currency). */
export const OrderPaymentSchema = z
  .object({
    chargedMinor: z.number().int().describe("The charge that paid the order; 0 while unpaid"),
    refundedMinor: z.number().int().describe("Refunds the card processor confirmed"),
    refundingMinor: z.number().int().describe("Refunds asked for and not yet confirmed"),
    voidingMinor: z.number().int().describe("Charges the order could not keep (it was cancelled or lapsed while paying), being reversed"),
    cardLast4: z.string().nullable().describe("The last four digits of the card that paid; null while unpaid"),
    refunds: z.array(RefundItemSchema).describe("Oldest first"),
  })
  .meta({ id: "OrderPayment" });

export const OrderSchema = z
  .object({
    id: z.uuid(),
    status: z.enum(ORDER_STATUSES).describe("pending → stock_reserved → paid → shipped → completed; or cancelled before shipping"),
    cancellationReason: z.enum(CANCELLATION_REASONS).nullable(),
    subtotal: MoneySchema,
    shipping: MoneySchema,
    total: MoneySchema.describe("subtotal + shipping: what is charged"),
    shipTo: AddressSchema.nullable().describe("Null only on orders placed before the shop collected addresses"),
    lines: z.array(OrderLineSchema),
    trackingReference: z.string().nullable().describe("The carrier's reference, once shipped"),
    timeline: z.array(TimelineEntrySchema).describe("Every status change, oldest first"),
    reservedUntil: isoDate.nullable().describe("While stock is reserved and unpaid: when the reservation lapses (pay before then)"),
    paidAt: isoDate.nullable(),
    refundDue: z.boolean().describe("Derived: the order is cancelled and payment.chargedMinor − payment.refundedMinor > 0 (money is owed back)"),
    payment: OrderPaymentSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: "Order" });

const orderIdParams = z.object({ id: uuidParam.describe("The order's id") });

const notFound = { description: "No such order, or it is another user's", schema: ProblemSchema };

export const placeOrderEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders",
  operationId: "placeOrder",
  summary: "Place an order from the caller's cart.",
  description:
    "Orders everything in the caller's cart at today's prices and empties the cart. Stock is reserved shortly after " +
    "(status pending → stock_reserved, or cancelled with reason out_of_stock); then pay with POST /orders/{id}/pay " +
    "before reservedUntil. One Idempotency-Key places at most one order, even after the key's stored response expired.",
  tag: "orders",
  access: "user",
  idempotent: true,
  body: z
    .object({
      shipTo: shippingAddressSchema,
      expectedTotalMinor: z
        .number()
        .int()
        .min(0)
        .max(MAX_AMOUNT_MINOR)
        .optional()
        .describe("The total (minor units) the caller showed the shopper; if the cart now costs something else, nothing is ordered (422, path body.expectedTotalMinor)"),
    })
    .strict(),
  responses: {
    200: { description: "This Idempotency-Key had already placed this order (its stored response had expired); nothing new was ordered", schema: OrderSchema },
    201: { description: "The order was placed", schema: OrderSchema },
    422: {
      description:
        "Invalid input (field paths in errors, e.g. body.shipTo.postalCode); the cart is empty (path cart); a product in it is no longer sold (path cart); " +
        "the total is not expectedTotalMinor any more (path body.expectedTotalMinor); or the Idempotency-Key was used with a different request",
      schema: ProblemSchema,
    },
  },
});

export const listOrdersEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders",
  operationId: "listOrders",
  summary: "The caller's orders, newest first.",
  tag: "orders",
  access: "user",
  query: z
    .object({
      limit: cursorQuery.limit,
      cursor: cursorQuery.cursor.refine((c) => c === undefined || decodeOrderCursor(c) !== null, "Not a valid cursor; start from the first page"),
    })
    .strict(),
  responses: { 200: { description: "A page of orders", schema: pageOf(OrderSchema, "OrderPage") } },
});

export const getOrderEndpoint = defineEndpoint({
  method: "GET",
  path: "/orders/{id}",
  operationId: "getOrder",
  summary: "One of the caller's orders.",
  tag: "orders",
  access: "user",
  params: orderIdParams,
  responses: { 200: { description: "The order", schema: OrderSchema }, 404: notFound },
});

/** 402: the card was refused; the problem says why (never the card number). */
export const PaymentDeclinedSchema = ProblemSchema.extend({
  code: z.literal("payment_declined"),
  declineReason: z.string().describe("card_declined, insufficient_funds, invalid_card, expired_card, or another reason the processor gave"),
}).meta({ id: "PaymentDeclinedProblem" });

export const payOrderEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/pay",
  operationId: "payOrder",
  summary: "Pay a reserved order by card.",
  description:
    "Charges the order's total to the card. The order must be stock_reserved and its reservation not lapsed. " +
    "An order is charged at most once, whatever the number of requests or Idempotency-Keys: while one attempt is " +
    "in flight every other is refused (409 payment_in_progress), and paying an order that is already paid answers 200 with it. " +
    "The Idempotency-Key identifies one payment attempt: a retry with the same key repeats the first answer (also a decline); " +
    "try again after a decline with a new key. Declines are limited per order and per user per hour (429 with Retry-After).",
  tag: "orders",
  access: "user",
  idempotent: true,
  params: orderIdParams,
  body: z
    .object({
      cardNumber: z
        .string()
        .max(40)
        .transform((s) => s.replace(/[\s-]/g, ""))
        .pipe(z.string().regex(/^\d{12,19}$/, "Enter the 12 to 19 digits of the card number"))
        .describe("12 to 19 digits; spaces and dashes are ignored. Never stored nor echoed (only its last four digits are kept)"),
    })
    .strict(),
  responses: {
    200: { description: "The order is paid", schema: OrderSchema },
    402: { description: "The card was declined; nothing was charged (retry with a new Idempotency-Key)", schema: PaymentDeclinedSchema },
    404: notFound,
    409: {
      description:
        "code payment_in_progress: another payment attempt for this order is in flight; wait, then GET the order (not stored: the same key may be retried). " +
        "code invalid_transition: the order cannot be paid now: still pending (retry shortly), cancelled, already shipped, or its reservation lapsed. " +
        "code conflict: the order changed while the card was being charged, or this key's attempt could not be completed; the detail says whether the charge was already reversed or will be",
      schema: ProblemSchema,
    },
    429: {
      description:
        "Too many requests, or too many declined payments (per order and per user, over the last hour); see the Retry-After header (seconds). Not stored: the same key may be retried then",
      schema: ProblemSchema,
    },
    503: {
      description: "The card processor did not confirm the payment; any charge is reversed. Nothing is paid: try again with a new Idempotency-Key",
      schema: ProblemSchema,
    },
  },
});

export const cancelOrderEndpoint = defineEndpoint({
  method: "POST",
  path: "/orders/{id}/cancel",
  operationId: "cancelOrder",
  summary: "Cancel one of the caller's orders before it ships.",
  description:
    "Reserved stock is released. A paid order's charge is given back in the background: it shows in payment.refundingMinor " +
    "(and refundDue is true) until the card processor confirms the refund. " +
    "Cancelling a cancelled order answers 200 with it.",
  tag: "orders",
  access: "user",
  params: orderIdParams,
  responses: {
    200: { description: "The order, cancelled", schema: OrderSchema },
    404: notFound,
    409: { description: "The order has shipped and can no longer be cancelled", schema: ProblemSchema },
  },
});

/** The orders endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const ORDERS_ENDPOINTS: readonly Endpoint[] = [placeOrderEndpoint, listOrdersEndpoint, getOrderEndpoint, payOrderEndpoint, cancelOrderEndpoint];
