import { z } from "zod";
import type { IHeaders } from "kafkajs";
import { parseEventPayload, TOPICS, type DomainEvent, type Topic } from "../../domain/events";

/** The wire format of every message: the event as JSON, its identity also in headers. */
const envelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(Object.values(TOPICS) as [Topic, ...Topic[]]),
    version: z.number().int().positive(),
    aggregateType: z.string().min(1),
    aggregateId: z.string().min(1),
    occurredAt: z.iso.datetime({ offset: true }),
    payload: z.unknown(),
  })
  .strict();

export function encodeEvent(event: DomainEvent): { key: string; value: string; headers: IHeaders } {
  return {
    key: event.aggregateId,
    value: JSON.stringify({
      id: event.id,
      type: event.type,
      version: event.version,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      occurredAt: event.occurredAt.toISOString(),
      payload: event.payload,
    }),
    headers: { "event-id": event.id, "event-type": event.type, "schema-version": String(event.version) },
  };
}

/** Parses a message into a typed event of the expected topic; throws (ZodError or Error) when it does not fit. */
export function decodeEvent<T extends Topic>(topic: T, value: Buffer | null): DomainEvent<T> {
  if (!value) throw new Error("empty message");
  const envelope = envelopeSchema.parse(JSON.parse(value.toString("utf8")));
  if (envelope.type !== topic) throw new Error(`event type ${envelope.type} arrived on topic ${topic}`);
  return {
    id: envelope.id,
    type: topic,
    version: envelope.version,
    aggregateType: envelope.aggregateType,
    aggregateId: envelope.aggregateId,
    occurredAt: new Date(envelope.occurredAt),
    payload: parseEventPayload(topic, envelope.version, envelope.payload),
  };
}
