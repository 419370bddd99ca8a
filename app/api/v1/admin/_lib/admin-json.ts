/**
 * The admin routes' edge: the API user as the back office's actor, the JSON
 * shapes of products and orders, and field errors of the use cases renamed to
 * the request's paths (body.sku, params.id, query.cursor).
 */
import { AppError, isAppError } from "@/lib/domain/errors";
import type { Actor } from "@/lib/application/admin/access";
import type { AdminProduct } from "@/lib/application/admin/products";
import type { Order } from "@/lib/domain/order";
import type { User } from "@/lib/domain/user";

export const actorOf = (user: User): Actor => ({ id: user.id, role: user.role });

export function productJson(p: AdminProduct) {
  return {
    id: p.id,
    sku: p.sku,
    slug: p.slug,
    name: p.name,
    description: p.description,
    price: { amountMinor: p.priceMinor, currency: p.currency },
    stock: p.stock,
    lowStockThreshold: p.lowStockThreshold,
    categoryIds: [...p.categoryIds],
    imageUrl: p.imageUrl,
    version: p.version,
    archivedAt: p.archivedAt ? p.archivedAt.toISOString() : null,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function orderJson(o: Order) {
  return {
    id: o.id,
    userId: o.userId,
    status: o.status,
    cancellationReason: o.cancellationReason,
    subtotal: { amountMinor: o.subtotal.amountMinor, currency: o.subtotal.currency },
    shipping: { amountMinor: o.shipping.amountMinor, currency: o.shipping.currency },
    total: { amountMinor: o.total.amountMinor, currency: o.total.currency },
    lines: o.lines.map((l) => ({
      productId: l.productId,
      sku: l.sku,
      name: l.name,
      unitPrice: { amountMinor: l.unitPrice.amountMinor, currency: l.unitPrice.currency },
      quantity: l.quantity,
    })),
    version: o.version,
    refundDue: o.refundDue,
    trackingReference: o.trackingReference,
    paidAt: o.paidAt ? o.paidAt.toISOString() : null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

/**
 * Runs a use case; its AppErrors keep their code, their field paths become
 * the request's (`rename` maps a use case's field to one, default `body.<field>`).
 */
export async function withFieldPaths<T>(rename: Record<string, string>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isAppError(error) && error.fields.length > 0) {
      const fields = error.fields.map((f) => ({ path: rename[f.path] ?? (f.path === "form" ? "body" : `body.${f.path}`), message: f.message }));
      throw new AppError(error.code, error.message, { cause: error, fields });
    }
    throw error;
  }
}

/** The order transitions' field names → request paths. */
export const ORDER_PATHS = { orderId: "params.id" };
