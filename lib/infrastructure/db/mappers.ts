import type { ShippingAddress } from "../../domain/address";
import type { Product } from "../../domain/catalog";
import type { CancellationReason, Order, OrderStatus } from "../../domain/order";
import { isRefundDue, type OrderPayment, type PaymentState, type RefundReason, type RefundState } from "../../domain/payment";
import type { User } from "../../domain/user";

export const productSelect = {
  id: true,
  sku: true,
  slug: true,
  name: true,
  description: true,
  priceMinor: true,
  currency: true,
  imageUrl: true,
  // A product's stock is its live variants' (ADR 016).
  variants: { where: { archivedAt: null }, select: { stock: true } },
} as const;

/** What a product has on sale: the sum of its live variants' stock. */
export function liveStock(variants: readonly { stock: number }[]): number {
  return variants.reduce((n, v) => n + v.stock, 0);
}

/** A product row read with productSelect. */
export function toSelectedProduct(row: Omit<Parameters<typeof toProduct>[0], "stock"> & { variants: readonly { stock: number }[] }): Product {
  return toProduct({ ...row, stock: liveStock(row.variants) });
}

export function toProduct(row: {
  id: string;
  sku: string;
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  currency: string;
  stock: number;
  imageUrl: string | null;
}): Product {
  return {
    id: row.id,
    sku: row.sku,
    slug: row.slug,
    name: row.name,
    description: row.description,
    price: { amountMinor: row.priceMinor, currency: row.currency },
    stock: row.stock,
    imageUrl: row.imageUrl,
  };
}

export const userSelect = { id: true, email: true, name: true, role: true } as const;

export function toUser(row: { id: string; email: string; name: string; role: "customer" | "admin" }): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** Attempts that took money (or may have, or are about to): the ones an order's money is derived from. */
const MONEY_STATES: PaymentState[] = ["pending", "charged", "void_pending", "voided"];

export const orderSelect = {
  id: true,
  userId: true,
  status: true,
  cancellationReason: true,
  currency: true,
  subtotalMinor: true,
  shippingMinor: true,
  totalMinor: true,
  shipName: true,
  shipLine1: true,
  shipLine2: true,
  shipCity: true,
  shipPostalCode: true,
  shipCountry: true,
  version: true,
  reservedUntil: true,
  paidAt: true,
  trackingReference: true,
  createdAt: true,
  updatedAt: true,
  items: {
    select: { productId: true, variantId: true, sku: true, name: true, variantTitle: true, unitPriceMinor: true, quantity: true },
    orderBy: { sku: "asc" },
  },
  statusChanges: { select: { status: true, reason: true, actorId: true, createdAt: true }, orderBy: { createdAt: "asc" } },
  // The money: charges that took money (applied, or to be voided) and every refund.
  paymentAttempts: {
    where: { state: { in: MONEY_STATES } },
    select: { state: true, amountMinor: true, cardLast4: true, appliedAt: true },
  },
  refunds: { select: { id: true, amountMinor: true, state: true, reason: true, createdAt: true }, orderBy: { createdAt: "asc" } },
} as const;

type PaymentRows = {
  currency: string;
  paymentAttempts: { state: PaymentState; amountMinor: number; cardLast4: string; appliedAt: Date | null }[];
  refunds: { id: string; amountMinor: number; state: RefundState; reason: string; createdAt: Date }[];
};

/** The order's money, derived from its payment and refund rows. */
export function toOrderPayment(row: PaymentRows): OrderPayment {
  const applied = row.paymentAttempts.find((a) => a.state === "charged" && a.appliedAt !== null);
  const sum = (rows: { amountMinor: number }[]) => rows.reduce((n, r) => n + r.amountMinor, 0);
  return {
    chargedMinor: applied?.amountMinor ?? 0,
    cardLast4: applied?.cardLast4 ?? null,
    refundedMinor: sum(row.refunds.filter((r) => r.state === "succeeded")),
    refundingMinor: sum(row.refunds.filter((r) => r.state === "pending")),
    voidingMinor: sum(row.paymentAttempts.filter((a) => a.state === "void_pending")),
    voidedMinor: sum(row.paymentAttempts.filter((a) => a.state === "voided")),
    refunds: row.refunds.map((r) => ({
      id: r.id,
      amount: { amountMinor: r.amountMinor, currency: row.currency },
      state: r.state,
      reason: r.reason as RefundReason,
      at: r.createdAt,
    })),
    inFlight: row.paymentAttempts.some((a) => a.state === "pending" || (a.state === "charged" && a.appliedAt === null)),
  };
}

export function toOrder(row: {
  id: string;
  userId: string;
  status: OrderStatus;
  cancellationReason: string | null;
  currency: string;
  subtotalMinor: number;
  shippingMinor: number;
  totalMinor: number;
  shipName: string | null;
  shipLine1: string | null;
  shipLine2: string | null;
  shipCity: string | null;
  shipPostalCode: string | null;
  shipCountry: string | null;
  version: number;
  reservedUntil: Date | null;
  paidAt: Date | null;
  trackingReference: string | null;
  createdAt: Date;
  updatedAt: Date;
  items: { productId: string; variantId: string; sku: string; name: string; variantTitle: string; unitPriceMinor: number; quantity: number }[];
  statusChanges: { status: OrderStatus; reason: string | null; actorId: string | null; createdAt: Date }[];
} & PaymentRows): Order {
  const payment = toOrderPayment(row);
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    cancellationReason: row.cancellationReason as CancellationReason | null,
    subtotal: { amountMinor: row.subtotalMinor, currency: row.currency },
    shipping: { amountMinor: row.shippingMinor, currency: row.currency },
    total: { amountMinor: row.totalMinor, currency: row.currency },
    shipTo: toShippingAddress(row),
    version: row.version,
    reservedUntil: row.reservedUntil,
    paidAt: row.paidAt,
    refundDue: isRefundDue(row.status, payment),
    payment,
    trackingReference: row.trackingReference,
    timeline: row.statusChanges.map((c) => ({ status: c.status, reason: c.reason, at: c.createdAt, actorId: c.actorId })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lines: row.items.map((i) => ({
      productId: i.productId,
      variantId: i.variantId,
      sku: i.sku,
      name: i.name,
      variantTitle: i.variantTitle,
      unitPrice: { amountMinor: i.unitPriceMinor, currency: row.currency },
      quantity: i.quantity,
    })),
  };
}

/** Orders placed before addresses were collected have none; a partial address is treated as none too. */
function toShippingAddress(row: {
  shipName: string | null;
  shipLine1: string | null;
  shipLine2: string | null;
  shipCity: string | null;
  shipPostalCode: string | null;
  shipCountry: string | null;
}): ShippingAddress | null {
  const { shipName: name, shipLine1: line1, shipCity: city, shipPostalCode: postalCode, shipCountry: country } = row;
  if (name === null || line1 === null || city === null || postalCode === null || country === null) return null;
  return { name, line1, line2: row.shipLine2, city, postalCode, country };
}
