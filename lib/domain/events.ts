import { z } from "zod";
import { CANCELLATION_REASONS } from "./order";
import { REFUND_REASONS } from "./payment";

/**
 * Every event the system emits, as versioned zod schemas. The event type is
 * also the Kafka topic. Consumers parse with these schemas; a payload that does
 * not parse is never acted on.
 */
export const TOPICS = {
  orderCreated: "order.created",
  orderPaid: "order.paid",
  orderCancelled: "order.cancelled",
  orderShipped: "order.shipped",
  orderCompleted: "order.completed",
  orderRefunded: "order.refunded",
  inventoryUpdated: "inventory.updated",
  userRegistered: "user.registered",
  userRegistrationAttempted: "user.registration_attempted",
} as const;
export type Topic = (typeof TOPICS)[keyof typeof TOPICS];

const uuid = z.uuid();
const minor = z.number().int().nonnegative();
const currency = z.string().regex(/^[A-Z]{3}$/);

export const orderCreatedV1 = z
  .object({
    orderId: uuid,
    userId: uuid,
    email: z.email(),
    currency,
    totalMinor: minor,
    lines: z
      .array(
        z.object({
          productId: uuid,
          sku: z.string().min(1),
          name: z.string().min(1),
          unitPriceMinor: minor,
          quantity: z.number().int().positive(),
        }),
      )
      .min(1),
  })
  .strict();

/** What v2 carries of the shipping address: its shape, not the checkout form's rules (those may change). */
const shipToV2 = z
  .object({
    name: z.string().min(1).max(100),
    line1: z.string().min(1).max(200),
    line2: z.string().min(1).max(200).nullable(),
    city: z.string().min(1).max(100),
    postalCode: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/),
  })
  .strict();

/**
 * v2 adds what the order charged besides its lines, and where it ships. A
 * version bump rather than optional v1 fields: v1 is strict, so a consumer
 * that only knows v1 would refuse the new fields anyway; the version makes
 * that explicit (deploy consumers before producers). shipTo is null only for
 * v1 events read as v2.
 */
export const orderCreatedV2 = orderCreatedV1
  .extend({ subtotalMinor: minor, shippingMinor: minor, shipTo: shipToV2.nullable() })
  .strict()
  .refine((p) => p.totalMinor === p.subtotalMinor + p.shippingMinor, { message: "totalMinor must be subtotalMinor + shippingMinor", path: ["totalMinor"] });

const orderLineV3 = z
  .object({
    productId: uuid,
    variantId: uuid,
    sku: z.string().min(1),
    name: z.string().min(1),
    variantTitle: z.string().max(200),
    unitPriceMinor: minor,
    quantity: z.number().int().positive(),
  })
  .strict();

/**
 * v3: each line names its variant, the unit of stock (ADR 016), and the
 * variant's option values as ordered. Read from v2 by giving each line the
 * variant its product became when variants arrived: the migration gave each
 * existing product's default variant the product's own id.
 */
export const orderCreatedV3 = orderCreatedV1
  .extend({ subtotalMinor: minor, shippingMinor: minor, shipTo: shipToV2.nullable(), lines: z.array(orderLineV3).min(1) })
  .strict()
  .refine((p) => p.totalMinor === p.subtotalMinor + p.shippingMinor, { message: "totalMinor must be subtotalMinor + shippingMinor", path: ["totalMinor"] });

export const orderPaidV1 = z.object({ orderId: uuid, userId: uuid, email: z.email(), amountMinor: minor, currency }).strict();

/** stockReserved: the order held reserved stock when it was cancelled, so the inventory consumer releases it. */
export const orderCancelledV1 = z
  .object({ orderId: uuid, userId: uuid, reason: z.enum(CANCELLATION_REASONS), stockReserved: z.boolean() })
  .strict();

/** The shop handed the parcel to a carrier; trackingReference is the carrier's. */
export const orderShippedV1 = z
  .object({ orderId: uuid, userId: uuid, email: z.email(), trackingReference: z.string().min(1).max(100) })
  .strict();

export const orderCompletedV1 = z.object({ orderId: uuid, userId: uuid }).strict();

/** The processor confirmed a refund; refundedMinor is the order's confirmed refunds so far, this one included. */
export const orderRefundedV1 = z
  .object({
    orderId: uuid,
    userId: uuid,
    email: z.email(),
    refundId: uuid,
    amountMinor: z.number().int().positive(),
    currency,
    refundedMinor: minor,
    chargedMinor: minor,
    reason: z.enum(REFUND_REASONS),
  })
  .strict()
  .refine((p) => p.amountMinor <= p.refundedMinor && p.refundedMinor <= p.chargedMinor, { message: "refunds cannot exceed the charge", path: ["refundedMinor"] });

export const inventoryUpdatedV1 = z
  .object({
    reason: z.enum(["reservation", "release", "adjustment"]),
    orderId: uuid.nullable(),
    changes: z.array(z.object({ productId: uuid, delta: z.number().int(), stock: z.number().int().nonnegative() })).min(1),
  })
  .strict();

/** v2: each change names its variant; v1 changes were of products, each its own default variant. */
export const inventoryUpdatedV2 = z
  .object({
    reason: z.enum(["reservation", "release", "adjustment"]),
    orderId: uuid.nullable(),
    changes: z
      .array(z.object({ productId: uuid, variantId: uuid, delta: z.number().int(), stock: z.number().int().nonnegative() }).strict())
      .min(1),
  })
  .strict();

export const userRegisteredV1 = z.object({ userId: uuid, email: z.email(), name: z.string().min(1) }).strict();

/**
 * Someone tried to register an email that already has an account. Only the
 * account and its address: nothing the registrant typed may reach the owner's
 * mailbox.
 */
export const userRegistrationAttemptedV1 = z.object({ userId: uuid, email: z.email() }).strict();

/** Current schema version per topic, and the schema for each version a consumer accepts. */
export const EVENT_SCHEMAS = {
  "order.created": { version: 3, schemas: { 1: orderCreatedV1, 2: orderCreatedV2, 3: orderCreatedV3 } },
  "order.paid": { version: 1, schemas: { 1: orderPaidV1 } },
  "order.cancelled": { version: 1, schemas: { 1: orderCancelledV1 } },
  "order.shipped": { version: 1, schemas: { 1: orderShippedV1 } },
  "order.completed": { version: 1, schemas: { 1: orderCompletedV1 } },
  "order.refunded": { version: 1, schemas: { 1: orderRefundedV1 } },
  "inventory.updated": { version: 2, schemas: { 1: inventoryUpdatedV1, 2: inventoryUpdatedV2 } },
  "user.registered": { version: 1, schemas: { 1: userRegisteredV1 } },
  "user.registration_attempted": { version: 1, schemas: { 1: userRegistrationAttemptedV1 } },
} as const satisfies Record<Topic, { version: number; schemas: Record<number, z.ZodType> }>;

type Schemas = typeof EVENT_SCHEMAS;
type CurrentPayloads = { [K in Topic]: z.infer<Schemas[K]["schemas"][Schemas[K]["version"] & keyof Schemas[K]["schemas"]]> };

/** The payload of a topic's current version: what producers write and what consumers get, whatever version arrived. */
export type EventPayload<T extends Topic> = CurrentPayloads[T];

/**
 * Reads an older version's payload as the next version. Orders placed before
 * v2 charged no shipping (subtotal = total, as the migration filled in) and
 * recorded no address. Before variants (order.created v3, inventory.updated
 * v2) a line or change named a product, whose default variant the variants
 * migration gave the product's own id, with no option values.
 */
const UPCASTS: { [T in Topic]?: Record<number, (payload: never) => unknown> } = {
  "order.created": {
    1: (p: z.infer<typeof orderCreatedV1>) => ({ ...p, subtotalMinor: p.totalMinor, shippingMinor: 0, shipTo: null }),
    2: (p: z.infer<typeof orderCreatedV2>) => ({ ...p, lines: p.lines.map((l) => ({ ...l, variantId: l.productId, variantTitle: "" })) }),
  },
  "inventory.updated": {
    1: (p: z.infer<typeof inventoryUpdatedV1>) => ({ ...p, changes: p.changes.map((c) => ({ ...c, variantId: c.productId })) }),
  },
};

/** An event as written to the outbox and carried in a Kafka message. */
export interface DomainEvent<T extends Topic = Topic> {
  readonly id: string;
  readonly type: T;
  readonly version: number;
  readonly aggregateType: string;
  readonly aggregateId: string;
  readonly occurredAt: Date;
  readonly payload: EventPayload<T>;
}

export function makeEvent<T extends Topic>(
  type: T,
  init: { id: string; aggregateType: string; aggregateId: string; occurredAt: Date; payload: EventPayload<T> },
): DomainEvent<T> {
  // Parse on the way out too: a bug that builds a malformed event fails the
  // transaction that wrote it instead of poisoning the topic.
  const schema = currentSchema(type);
  return { ...init, type, version: EVENT_SCHEMAS[type].version, payload: schema.parse(init.payload) };
}

function currentSchema<T extends Topic>(type: T): z.ZodType<EventPayload<T>> {
  const { version, schemas } = EVENT_SCHEMAS[type];
  return (schemas as unknown as Record<number, z.ZodType<EventPayload<T>>>)[version]!;
}

/**
 * Parses an incoming payload of a given version and returns it as the current
 * version; throws a ZodError when it does not fit, an Error for an unknown version.
 */
export function parseEventPayload<T extends Topic>(type: T, version: number, payload: unknown): EventPayload<T> {
  const { version: current, schemas } = EVENT_SCHEMAS[type];
  const schema = (schemas as unknown as Record<number, z.ZodType | undefined>)[version];
  if (!schema) throw new Error(`unsupported ${type} schema version ${version}`);
  let value: unknown = schema.parse(payload);
  for (let v = version; v < current; v++) {
    const upcast = UPCASTS[type]?.[v] as ((p: unknown) => unknown) | undefined;
    if (!upcast) throw new Error(`no upcast for ${type} from version ${v}`);
    value = upcast(value);
  }
  return version === current ? (value as EventPayload<T>) : currentSchema(type).parse(value);
}
