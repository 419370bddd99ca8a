/**
 * The admin routes' edge: the API user as the back office's actor, the JSON
 * shapes of products, orders and refunds, and field errors of the use cases renamed to
 * the request's paths (body.sku, params.id, query.cursor).
 */
import type { Actor } from "@/lib/application/admin/access";
import type { AdminProduct, AdminProductImage, AdminProductSummary } from "@/lib/application/admin/products/model";
import type { LedgerEntry, Paged, StockProduct } from "@/lib/application/admin/stock";
import type { Order } from "@/lib/domain/order";
import type { RefundEntry } from "@/lib/domain/payment";
import type { User } from "@/lib/domain/user";
import { withRequestPaths } from "../../_lib/field-paths";
import { paymentJson } from "../../orders/order-json";

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

export function productSummaryJson(p: AdminProductSummary) {
  return {
    id: p.id,
    sku: p.sku,
    slug: p.slug,
    name: p.name,
    price: { amountMinor: p.priceMinor, currency: p.currency },
    stock: p.stock,
    lowStockThreshold: p.lowStockThreshold,
    imageUrl: p.imageUrl,
    version: p.version,
    archivedAt: p.archivedAt ? p.archivedAt.toISOString() : null,
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** productJson with the product's images (position order), for GET /admin/products/{id}. */
export function productDetailJson(p: AdminProduct) {
  return {
    ...productJson(p),
    images: p.images.map(imageJson),
  };
}

export function ledgerJson(product: StockProduct, entries: Paged<LedgerEntry>) {
  return {
    variant: {
      id: product.id,
      productId: product.productId,
      sku: product.sku,
      slug: product.slug,
      name: product.name,
      variantTitle: product.variantTitle,
      stock: product.stock,
      lowStockThreshold: product.lowStockThreshold,
      archived: product.archived,
    },
    items: entries.items.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      reason: e.reason,
      delta: e.delta,
      stockAfter: e.stockAfter,
      orderId: e.orderId,
      actorEmail: e.actorEmail,
      note: e.note,
    })),
    page: entries.page,
    pageSize: entries.pageSize,
    total: entries.total,
    pageCount: entries.pageCount,
  };
}

/** An uploaded image; its storage key stays inside (the url is where it is served). */
export function imageJson(i: AdminProductImage) {
  return { id: i.id, url: i.url, contentType: i.contentType, byteSize: i.byteSize, width: i.width, height: i.height, alt: i.alt, position: i.position };
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
      variantId: l.variantId,
      sku: l.sku,
      name: l.name,
      variantTitle: l.variantTitle,
      unitPrice: { amountMinor: l.unitPrice.amountMinor, currency: l.unitPrice.currency },
      quantity: l.quantity,
    })),
    version: o.version,
    refundDue: o.refundDue,
    payment: paymentJson(o.payment),
    trackingReference: o.trackingReference,
    paidAt: o.paidAt ? o.paidAt.toISOString() : null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export function refundJson(orderId: string, r: RefundEntry) {
  return { id: r.id, orderId, amountMinor: r.amount.amountMinor, currency: r.amount.currency, state: r.state, reason: r.reason, createdAt: r.at.toISOString() };
}

/** A back-office use case's field errors at the request's paths (`rename`, else `body.<field>`). */
export function withFieldPaths<T>(rename: Record<string, string>, work: () => Promise<T>): Promise<T> {
  return withRequestPaths(rename, (field) => (field === "form" ? "body" : `body.${field}`), work);
}

/** The order transitions' field names → request paths. */
export const ORDER_PATHS = { orderId: "params.id" };
