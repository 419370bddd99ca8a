import { z } from "zod";
import { CANCELLATION_REASONS } from "./order";

/**
 * Every event the system emits, as versioned zod schemas. The event type is
 * also the Kafka topic. Consumers parse with these schemas; a payload that does
 * not parse is never acted on.
 */
export const TOPICS = {
  orderCreated: "order.created",
  orderPaid: "order.paid",
  orderCancelled: "order.cancelled",
  inventoryUpdated: "inventory.updated",
  userRegistered: "user.registered",
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

export const orderPaidV1 = z.object({ orderId: uuid, userId: uuid, email: z.email(), amountMinor: minor, currency }).strict();

/** stockReserved: the order held reserved stock when it was cancelled, so the inventory consumer releases it. */
export const orderCancelledV1 = z
  .object({ orderId: uuid, userId: uuid, reason: z.enum(CANCELLATION_REASONS), stockReserved: z.boolean() })
  .strict();

export const inventoryUpdatedV1 = z
  .object({
    reason: z.enum(["reservation", "release", "adjustment"]),
    orderId: uuid.nullable(),
    changes: z.array(z.object({ productId: uuid, delta: z.number().int(), stock: z.number().int().nonnegative() })).min(1),
  })
  .strict();

export const userRegisteredV1 = z.object({ userId: uuid, email: z.email(), name: z.string().min(1) }).strict();

/** Current schema version per topic, and the schema for each version a consumer accepts. */
export const EVENT_SCHEMAS = {
  "order.created": { version: 1, schemas: { 1: orderCreatedV1 } },
  "order.paid": { version: 1, schemas: { 1: orderPaidV1 } },
  "order.cancelled": { version: 1, schemas: { 1: orderCancelledV1 } },
  "inventory.updated": { version: 1, schemas: { 1: inventoryUpdatedV1 } },
  "user.registered": { version: 1, schemas: { 1: userRegisteredV1 } },
} as const satisfies Record<Topic, { version: number; schemas: Record<number, z.ZodType> }>;

export type EventPayload<T extends Topic> = z.infer<(typeof EVENT_SCHEMAS)[T]["schemas"][1]>;

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
  const schema = EVENT_SCHEMAS[type].schemas[1] as unknown as z.ZodType<EventPayload<T>>;
  return { ...init, type, version: EVENT_SCHEMAS[type].version, payload: schema.parse(init.payload) };
}

/** Parses an incoming payload of a given version; throws a ZodError when it does not fit. */
export function parseEventPayload<T extends Topic>(type: T, version: number, payload: unknown): EventPayload<T> {
  const schemas = EVENT_SCHEMAS[type].schemas as unknown as Record<number, z.ZodType<EventPayload<T>> | undefined>;
  const schema = schemas[version];
  if (!schema) throw new Error(`unsupported ${type} schema version ${version}`);
  return schema.parse(payload);
}
