import type { Product } from "../../domain/catalog";
import type { CancellationReason, Order, OrderStatus } from "../../domain/order";
import type { User } from "../../domain/user";

export const productSelect = {
  id: true,
  sku: true,
  slug: true,
  name: true,
  description: true,
  priceMinor: true,
  currency: true,
  stock: true,
  imageUrl: true,
} as const;

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

export const orderSelect = {
  id: true,
  userId: true,
  status: true,
  cancellationReason: true,
  currency: true,
  totalMinor: true,
  version: true,
  reservedUntil: true,
  paidAt: true,
  refundDue: true,
  createdAt: true,
  updatedAt: true,
  items: {
    select: { productId: true, sku: true, name: true, unitPriceMinor: true, quantity: true },
    orderBy: { sku: "asc" },
  },
  statusChanges: { select: { status: true, reason: true, createdAt: true }, orderBy: { createdAt: "asc" } },
} as const;

export function toOrder(row: {
  id: string;
  userId: string;
  status: OrderStatus;
  cancellationReason: string | null;
  currency: string;
  totalMinor: number;
  version: number;
  reservedUntil: Date | null;
  paidAt: Date | null;
  refundDue: boolean;
  createdAt: Date;
  updatedAt: Date;
  items: { productId: string; sku: string; name: string; unitPriceMinor: number; quantity: number }[];
  statusChanges: { status: OrderStatus; reason: string | null; createdAt: Date }[];
}): Order {
  return {
    id: row.id,
    userId: row.userId,
    status: row.status,
    cancellationReason: row.cancellationReason as CancellationReason | null,
    total: { amountMinor: row.totalMinor, currency: row.currency },
    version: row.version,
    reservedUntil: row.reservedUntil,
    paidAt: row.paidAt,
    refundDue: row.refundDue,
    timeline: row.statusChanges.map((c) => ({ status: c.status, reason: c.reason, at: c.createdAt })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lines: row.items.map((i) => ({
      productId: i.productId,
      sku: i.sku,
      name: i.name,
      unitPrice: { amountMinor: i.unitPriceMinor, currency: row.currency },
      quantity: i.quantity,
    })),
  };
}
