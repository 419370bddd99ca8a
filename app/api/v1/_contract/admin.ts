import { z } from "zod";
import { ADJUSTMENT_REASONS, LEDGER_REASONS, MAX_ADJUSTMENT, MAX_NOTE_LENGTH, STOCK_PAGE_SIZE, adjustmentRules as stockRules, deltaFitsReason } from "@/lib/application/admin/stock";
import { DEFAULT_LOW_STOCK_THRESHOLD, productFieldRules as rules } from "@/lib/application/admin/products/fields";
import { ADMIN_PRODUCT_PAGE_SIZE, PRODUCT_STATUSES, STOCK_FILTERS } from "@/lib/application/admin/products/model";
import { MAX_PAGE, MAX_PAGE_SIZE } from "@/lib/application/catalog/paging";
import { orderTransitionRules as orderRules } from "@/lib/application/admin/orders";
import { CATALOG_CURRENCY } from "@/lib/domain/catalog";
import { IMAGE_MAX_BYTES, IMAGE_TYPES } from "@/lib/application/admin/products/model";
import { CANCELLATION_REASONS, ORDER_STATUSES } from "@/lib/domain/order";
import { REFUND_REASONS, REFUND_STATES } from "@/lib/domain/payment";
import { OrderPaymentSchema } from "./orders";
import { MoneySchema, ProblemSchema, cursorQuery, defineEndpoint, pageOf, uuidParam, type Endpoint } from "../_lib/endpoint";

// ---------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------

const iso = z.iso.datetime();

/** Text PostgreSQL can store as sent: no NUL character, no unpaired UTF-16 surrogate. */
const text = () =>
  z
    .string()
    .refine((s) => !s.includes("\u0000"), "Must not contain NUL characters")
    .refine((s) => (s as string & { isWellFormed(): boolean }).isWellFormed(), "Must not contain unpaired surrogates");

export const AdminProductSchema = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    slug: z.string(),
    name: z.string(),
    description: z.string(),
    price: MoneySchema,
    stock: z.number().int().describe("Units available to sell"),
    lowStockThreshold: z.number().int(),
    categoryIds: z.array(z.uuid()),
    imageUrl: z.string().nullable(),
    version: z.number().int().describe("Send it back as `version` with the next PATCH (optimistic concurrency)"),
    archivedAt: iso.nullable(),
    createdAt: iso,
    updatedAt: iso,
  })
  .strict()
  .meta({ id: "AdminProduct" });

const productVersion = z.number().int().describe("Send it back as `version` with the next PATCH (optimistic concurrency)");

export const AdminProductSummarySchema = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    slug: z.string(),
    name: z.string(),
    price: MoneySchema,
    stock: z.number().int().describe("Units available to sell"),
    lowStockThreshold: z.number().int(),
    imageUrl: z.string().nullable(),
    version: productVersion,
    archivedAt: iso.nullable(),
    updatedAt: iso,
  })
  .strict()
  .meta({ id: "AdminProductSummary" });

export const AdminProductImageSchema = z
  .object({
    id: z.uuid(),
    url: z.string().describe("Where the shop serves it (/media/...)"),
    contentType: z.enum(IMAGE_TYPES).describe("As re-encoded by the shop, whatever the upload's own type"),
    byteSize: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    alt: z.string(),
    position: z.number().int().describe("0 is the product's main image"),
  })
  .strict()
  .meta({ id: "AdminProductImage" });

export const AdminProductDetailSchema = AdminProductSchema.extend({ images: z.array(AdminProductImageSchema).describe("In position order") })
  .strict()
  .meta({ id: "AdminProductDetail" });

/** Offset pages (the back office's own lists): the page asked for, its size, and how many there are. */
const offsetPaging = {
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int().describe("Items matching, over all pages"),
  pageCount: z.number().int().describe("At least 1, also when nothing matches"),
};

const pageQuery = z.coerce.number().int().min(1).max(MAX_PAGE).default(1).describe(`1-based; at most ${MAX_PAGE}`);

export const AdminProductPageSchema = z
  .object({ items: z.array(AdminProductSummarySchema), ...offsetPaging })
  .strict()
  .meta({ id: "AdminProductPage" });

export const StockLedgerSchema = z
  .object({
    variant: z
      .object({
        id: z.uuid().describe("The variant's id"),
        productId: z.uuid(),
        sku: z.string().describe("The variant's SKU"),
        slug: z.string(),
        name: z.string().describe("The product's name"),
        variantTitle: z.string().describe('The variant\'s option values, e.g. "Size: M"; empty for a product without options'),
        stock: z.number().int().describe("Units available to sell now"),
        lowStockThreshold: z.number().int(),
        archived: z.boolean().describe("The variant or its product is archived"),
      })
      .strict(),
    items: z
      .array(
        z
          .object({
            id: z.string().describe("The ledger row's id (a bigint, as text); rows of a variant are in this order"),
            at: iso,
            reason: z.enum(LEDGER_REASONS).describe("opening, an adjustment (restock, correction, damage), or an order's reservation or release"),
            delta: z.number().int(),
            stockAfter: z.number().int(),
            orderId: z.uuid().nullable().describe("The order behind a reservation or release"),
            actorEmail: z.string().nullable().describe("The admin behind an adjustment or opening balance; null for the system"),
            note: z.string().nullable(),
          })
          .strict(),
      )
      .describe("Newest first"),
    ...offsetPaging,
  })
  .strict()
  .meta({ id: "StockLedger" });
const CHOOSE_FILE = "Choose an image file";

/** The upload form's fields (multipart/form-data). */
const ImageUploadForm = z
  .object({
    file: z
      .file({ error: CHOOSE_FILE })
      .min(1, CHOOSE_FILE)
      .max(IMAGE_MAX_BYTES, "The image is larger than 5 MB")
      .describe("A JPEG, PNG or WebP image of at most 5 MB; read and re-encoded by the shop (metadata dropped)"),
    alt: text().max(200, "At most 200 characters").optional().describe("A description of the image for people who cannot see it"),
  })
  .strict();

/** Prices as integer minor units; products are sold in the shop's currency. */
const PriceInput = z
  .object({
    amountMinor: rules.priceMinor.describe("Integer minor units (cents), more than 0"),
    currency: z.literal(CATALOG_CURRENCY).describe("The shop's currency"),
  })
  .strict();

/** The products' own rules (the back office's form applies them too), on text PostgreSQL can store. */
const productFields = {
  name: text().pipe(rules.name).describe("At most 200 characters; spaces collapsed"),
  sku: text().pipe(rules.sku).describe("Letters, digits, dots, dashes, underscores, at most 64; stored upper-case"),
  slug: text().pipe(rules.slug).describe("Lowercase letters, digits and single dashes, at most 160; made from the name when omitted or empty"),
  description: text().pipe(rules.description).describe("At most 5000 characters"),
  price: PriceInput,
  lowStockThreshold: rules.lowStockThreshold,
  categoryIds: z.array(text()).pipe(rules.categoryIds).describe("1 to 50 category ids"),
};

const CreateProductBody = z
  .object({
    ...productFields,
    slug: productFields.slug.optional(),
    description: productFields.description.optional(),
    lowStockThreshold: productFields.lowStockThreshold.optional().describe(`Default ${DEFAULT_LOW_STOCK_THRESHOLD}`),
    initialStock: rules.initialStock.optional().describe("Enters the stock ledger as the opening balance; default 0"),
  })
  .strict()
  .meta({ id: "AdminProductCreate" });

const UpdateProductBody = z
  .object({
    version: rules.version.describe("The version the change is based on; a stale version is a 409"),
    name: productFields.name.optional(),
    sku: productFields.sku.optional(),
    slug: productFields.slug.optional(),
    description: productFields.description.optional(),
    price: PriceInput.optional(),
    lowStockThreshold: productFields.lowStockThreshold.optional(),
    categoryIds: productFields.categoryIds.optional(),
  })
  .strict()
  .meta({ id: "AdminProductUpdate" });

/** The stock use case's own rules (the back office's stock form applies them too). */
const AdjustmentBody = z
  .object({
    delta: stockRules.delta.describe(`Units added (positive) or removed (negative), at most ${MAX_ADJUSTMENT} either way, not 0`),
    reason: stockRules.reason.describe("restock adds units, damage removes them, correction either way"),
    note: text().pipe(stockRules.note).optional().describe(`At most ${MAX_NOTE_LENGTH} characters`),
  })
  .strict()
  .superRefine(deltaFitsReason)
  .meta({ id: "StockAdjustmentCreate" });

export const StockAdjustmentSchema = z
  .object({
    variantId: z.uuid().describe("The variant adjusted: the unit of stock"),
    delta: z.number().int(),
    reason: z.enum(ADJUSTMENT_REASONS),
    note: z.string().nullable(),
    stock: z.number().int().describe("The variant's stock after the adjustment"),
  })
  .strict()
  .meta({ id: "StockAdjustment" });

export const AdminOrderSummarySchema = z
  .object({
    id: z.uuid(),
    status: z.enum(ORDER_STATUSES),
    customerEmail: z.string(),
    total: MoneySchema,
    refundDue: z.boolean(),
    createdAt: iso,
    version: z.number().int().describe("Send it back as `expectedVersion` with the next transition"),
  })
  .strict()
  .meta({ id: "AdminOrderSummary" });

export const AdminOrderSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    status: z.enum(ORDER_STATUSES),
    cancellationReason: z.enum(CANCELLATION_REASONS).nullable(),
    subtotal: MoneySchema,
    shipping: MoneySchema,
    total: MoneySchema,
    lines: z.array(
      z
        .object({
          productId: z.uuid(),
          variantId: z.uuid(),
          sku: z.string(),
          name: z.string(),
          variantTitle: z.string().describe('The variant\'s option values as ordered, e.g. "Size: M"; empty without options'),
          unitPrice: MoneySchema,
          quantity: z.number().int(),
        })
        .strict(),
    ),
    version: z.number().int().describe("Send it back as `expectedVersion` with the next transition"),
    refundDue: z.boolean().describe("Derived: cancelled, and payment.chargedMinor − payment.refundedMinor > 0"),
    payment: OrderPaymentSchema,
    trackingReference: z.string().nullable(),
    paidAt: iso.nullable(),
    createdAt: iso,
    updatedAt: iso,
  })
  .strict()
  .meta({ id: "AdminOrder" });

export const AdminRefundSchema = z
  .object({
    id: z.uuid(),
    orderId: z.uuid(),
    amountMinor: z.number().int().describe("Integer minor units (cents)"),
    currency: z.string().length(3),
    state: z.enum(REFUND_STATES).describe("succeeded: the card processor gave the money back; pending: it has not confirmed yet, and the shop retries until it does"),
    reason: z.enum(REFUND_REASONS),
    createdAt: iso,
  })
  .strict()
  .meta({ id: "AdminRefund" });

const RefundBody = z
  .object({
    amountMinor: z
      .number()
      .int()
      .positive()
      .describe("What to give back, in integer minor units (cents) of the order's currency: more than 0 and at most what is left of the charge"),
  })
  .strict()
  .meta({ id: "AdminRefundCreate" });

export const ReconciliationSchema = z
  .object({
    since: iso.describe("Orders with payment records from then on were compared"),
    checkedOrders: z.number().int().describe("Orders either the shop or the card processor has money records for"),
    settlingOrders: z.number().int().describe("Orders with a payment in flight or a reversal not yet made: not compared until they settle"),
    differences: z
      .array(
        z
          .object({
            orderId: z.uuid(),
            shopMinor: z.number().int().describe("What the shop's records say is held: charges minus confirmed refunds"),
            processorMinor: z.number().int().describe("What the card processor holds: charged − voided − refunded"),
          })
          .strict(),
      )
      .describe("Orders whose two sides disagree; empty when the books match"),
  })
  .strict()
  .meta({ id: "PaymentReconciliation" });

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD")
  .describe("A UTC day, YYYY-MM-DD (inclusive)");

const expectedVersion = orderRules.expectedVersion.describe("The order's version the change is based on; a stale version is a 409");

const notFound = { description: "No such product", schema: ProblemSchema };
const orderNotFound = { description: "No such order", schema: ProblemSchema };
const transitionConflict = { description: "The order is not in a status this transition starts from, or its version moved on", schema: ProblemSchema };

// ---------------------------------------------------------------------------
// Endpoints
// ---------------------------------------------------------------------------

export const listProducts = defineEndpoint({
  method: "GET",
  path: "/admin/products",
  operationId: "adminListProducts",
  summary: "Products as the back office lists them (archived ones too), by name, a page at a time.",
  description:
    "Filters: q (part of the name or SKU, case-insensitive), category (an id), status (active by default, archived or all) and " +
    "stock (in: above the low-stock threshold; low: 1 to the threshold; out: none). Pages are numbered (page, pageSize) with the " +
    "total and the page count; a product added or renamed while paging can shift later pages. Each item has the `version` a PATCH needs.",
  tag: "admin",
  access: "admin",
  query: z
    .object({
      q: text().max(100).optional().describe("Part of the name or SKU, case-insensitive"),
      category: z.uuid().optional().describe("A category's id"),
      status: z.enum(PRODUCT_STATUSES).default("active"),
      stock: z.enum(STOCK_FILTERS).optional().describe("in: above the low-stock threshold; low: from 1 to the threshold; out: none"),
      page: pageQuery,
      pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(ADMIN_PRODUCT_PAGE_SIZE).describe(`Items per page, at most ${MAX_PAGE_SIZE}`),
    })
    .strict(),
  responses: { 200: { description: "A page of products", schema: AdminProductPageSchema } },
});

export const getProduct = defineEndpoint({
  method: "GET",
  path: "/admin/products/{id}",
  operationId: "adminGetProduct",
  summary: "One product (archived too) with its images and the `version` a PATCH needs.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  responses: { 200: { description: "The product", schema: AdminProductDetailSchema }, 404: notFound },
});

export const createProduct = defineEndpoint({
  method: "POST",
  path: "/admin/products",
  operationId: "adminCreateProduct",
  summary: "Create a product (active; an initial stock enters the ledger).",
  description: "Field errors (a taken SKU or slug, an unknown category) are 422 with paths like body.sku.",
  tag: "admin",
  access: "admin",
  idempotent: true,
  body: CreateProductBody,
  responses: { 201: { description: "Created", schema: AdminProductSchema } },
});

export const updateProduct = defineEndpoint({
  method: "PATCH",
  path: "/admin/products/{id}",
  operationId: "adminUpdateProduct",
  summary: "Change some of a product's fields (not its stock).",
  description: "Optimistic: `version` is the one the change is based on; if the product changed since, nothing is written and the answer is 409.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  body: UpdateProductBody,
  responses: {
    200: { description: "Updated", schema: AdminProductSchema },
    404: notFound,
    409: { description: "The product changed since `version`: reload it and try again", schema: ProblemSchema },
  },
});

export const archiveProduct = defineEndpoint({
  method: "POST",
  path: "/admin/products/{id}/archive",
  operationId: "adminArchiveProduct",
  summary: "Archive a product: it leaves the shop; orders keep showing it. Repeating it changes nothing.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  responses: { 200: { description: "Archived", schema: AdminProductSchema }, 404: notFound },
});

export const addProductImage = defineEndpoint({
  method: "POST",
  path: "/admin/products/{id}/images",
  operationId: "adminAddProductImage",
  summary: "Upload an image of a product (multipart/form-data); it goes last, the first being the shop's picture.",
  description:
    "A file that is not really a JPEG, PNG or WebP image (whatever its name or declared type) is a 422 on body.file. " +
    "The shop serves the image re-encoded, without its metadata.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  multipart: ImageUploadForm,
  responses: {
    201: { description: "Added", schema: AdminProductImageSchema },
    404: notFound,
    422: { description: "Invalid input (field paths in errors): body.file is missing, too large or not an image we can read; body.alt is too long", schema: ProblemSchema },
  },
});

export const adjustStock = defineEndpoint({
  method: "POST",
  path: "/admin/inventory/{variantId}/adjustments",
  operationId: "adminAdjustStock",
  summary: "Add or remove units of a variant with a reason; appended to its stock ledger.",
  description:
    "The variant is the unit of stock; a product without options has one variant, whose id a product created before variants shares. " +
    "Removing more units than are in stock is a 422 on body.delta.",
  tag: "admin",
  access: "admin",
  idempotent: true,
  params: z.object({ variantId: uuidParam }),
  body: AdjustmentBody,
  responses: { 201: { description: "Booked", schema: StockAdjustmentSchema }, 404: notFound },
});

export const getStockLedger = defineEndpoint({
  method: "GET",
  path: "/admin/inventory/{variantId}",
  operationId: "adminGetStockLedger",
  summary: "A variant's stock and low-stock threshold, with its stock ledger (newest first), a page at a time.",
  description:
    `Pages of ${STOCK_PAGE_SIZE} ledger rows. An adjustment needs no version: adjustments queue on the variant's row lock, ` +
    "and stock changes do not bump a version (a product's one variant takes the threshold given with PATCH /admin/products/{id}, which does).",
  tag: "admin",
  access: "admin",
  params: z.object({ variantId: uuidParam }),
  query: z.object({ page: pageQuery }).strict(),
  responses: { 200: { description: "The stock and a page of its ledger", schema: StockLedgerSchema }, 404: notFound },
});

export const listOrders = defineEndpoint({
  method: "GET",
  path: "/admin/orders",
  operationId: "adminListOrders",
  summary: "Orders, newest first, filtered by status, UTC days and customer email (or its beginning).",
  tag: "admin",
  access: "admin",
  query: z
    .object({
      ...cursorQuery,
      status: z.enum(ORDER_STATUSES).optional(),
      from: day.optional(),
      to: day.optional(),
      email: text().min(1).max(254).optional().describe("The customer's email or its beginning, case-insensitive"),
    })
    .strict(),
  responses: { 200: { description: "A page of orders", schema: pageOf(AdminOrderSummarySchema, "AdminOrderPage") } },
});

export const getOrder = defineEndpoint({
  method: "GET",
  path: "/admin/orders/{id}",
  operationId: "adminGetOrder",
  summary: "One order, any customer's, with the `version` its next transition needs (as expectedVersion).",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  responses: { 200: { description: "The order", schema: AdminOrderSchema }, 404: orderNotFound },
});

const transitionBody = z.object({ expectedVersion }).strict();

export const shipOrder = defineEndpoint({
  method: "POST",
  path: "/admin/orders/{id}/ship",
  operationId: "adminShipOrder",
  summary: "paid → shipped, with the carrier's tracking reference; the shopper is emailed.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  body: z
    .object({
      expectedVersion,
      trackingReference: text().pipe(orderRules.trackingReference).describe("1 to 100 letters, digits, spaces and . _ / -"),
    })
    .strict()
    .meta({ id: "AdminShipOrder" }),
  responses: { 200: { description: "Shipped", schema: AdminOrderSchema }, 404: orderNotFound, 409: transitionConflict },
});

export const completeOrder = defineEndpoint({
  method: "POST",
  path: "/admin/orders/{id}/complete",
  operationId: "adminCompleteOrder",
  summary: "shipped → completed.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  body: transitionBody,
  responses: { 200: { description: "Completed", schema: AdminOrderSchema }, 404: orderNotFound, 409: transitionConflict },
});

export const cancelOrder = defineEndpoint({
  method: "POST",
  path: "/admin/orders/{id}/cancel",
  operationId: "adminCancelOrder",
  summary: "Cancel an order before it ships: reserved stock is released, a paid order is marked for refund.",
  tag: "admin",
  access: "admin",
  params: z.object({ id: uuidParam }),
  body: transitionBody,
  responses: { 200: { description: "Cancelled", schema: AdminOrderSchema }, 404: orderNotFound, 409: transitionConflict },
});

export const refundOrder = defineEndpoint({
  method: "POST",
  path: "/admin/orders/{id}/refunds",
  operationId: "adminRefundOrder",
  summary: "Give back part or all of what a paid order was charged.",
  description:
    "The refund is checked against what is left of the charge under the order's lock, so refunds together never exceed it, " +
    "and recorded before the card processor is asked. If the processor does not confirm at once, the answer is still 201 with " +
    "state pending: the shop's worker retries until it does. One Idempotency-Key makes at most one refund (a repeat answers with it).",
  tag: "admin",
  access: "admin",
  idempotent: true,
  params: z.object({ id: uuidParam }),
  body: RefundBody,
  responses: {
    201: { description: "The refund, made (succeeded) or recorded and being made (pending)", schema: AdminRefundSchema },
    404: orderNotFound,
    409: { description: "The order was never paid: there is nothing to refund", schema: ProblemSchema },
    422: {
      description:
        "Invalid input (field paths in errors): body.amountMinor is not a whole number above zero, or more than is left to refund; " +
        "or the Idempotency-Key was used with a different request",
      schema: ProblemSchema,
    },
  },
});

export const reconcilePayments = defineEndpoint({
  method: "GET",
  path: "/admin/payments/reconciliation",
  operationId: "adminReconcilePayments",
  summary: "Compare the card processor's books with the shop's, order by order.",
  description: "For each order with payment records since `since`: what the processor holds must equal what the shop's records say it holds.",
  tag: "admin",
  access: "admin",
  query: z
    .object({
      since: z.iso
        .datetime({ offset: true, abort: true })
        .refine((s) => Date.parse(s) >= Date.UTC(1970, 0, 1), "Enter a date-time from 1970 on")
        .optional()
        .describe("ISO 8601 date-time; default 30 days ago"),
    })
    .strict(),
  responses: { 200: { description: "The comparison", schema: ReconciliationSchema } },
});

/** The admin endpoints of /api/v1 (see ../_lib/endpoint.ts). */
export const ADMIN_ENDPOINTS: readonly Endpoint[] = [
  listProducts,
  getProduct,
  createProduct,
  updateProduct,
  archiveProduct,
  getStockLedger,
  addProductImage,
  adjustStock,
  listOrders,
  getOrder,
  shipOrder,
  completeOrder,
  cancelOrder,
  refundOrder,
  reconcilePayments,
];
