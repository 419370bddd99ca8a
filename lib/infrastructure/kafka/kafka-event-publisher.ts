import { Partitioners, type Kafka } from "kafkajs";
import type { EventPublisher } from "../../application/outbox/relay-outbox";
import type { DomainEvent } from "../../domain/events";
import { carriedTraceparent, contextFromTraceparent, recordError, SpanKind, trace, traceparentOf, tracer, type Span } from "../observability/tracing";
import { encodeEvent } from "./envelope";
import { LazyProducer } from "./lazy-producer";

/** Idempotent producer, acks from all in-sync replicas, aggregate id as key (per-aggregate ordering). */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: LazyProducer;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix = "",
  ) {
    // Java's murmur2 partitioner: the same key lands on the same partition as
    // with any other Kafka client. Retries are bounded (kafkajs warns that this
    // can duplicate a message after a long outage); consumers are idempotent.
    this.producer = new LazyProducer(
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    );
  }

  /**
   * Each event is sent in a producer span of the trace that wrote it (the
   * traceparent its outbox row kept), and the message carries that span's
   * traceparent in its headers for the consumers to continue.
   */
  async publish(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
    const spans: Span[] = [];
    for (const e of events) {
      const topic = this.topicPrefix + e.type;
      const list = byTopic.get(topic) ?? [];
      const message = encodeEvent(e);
      const span = tracer().startSpan(
        `publish ${topic}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            "messaging.system": "kafka",
            "messaging.operation.type": "send",
            "messaging.destination.name": topic,
            "messaging.message.id": e.id,
            "messaging.kafka.message.key": e.aggregateId,
          },
        },
        contextFromTraceparent(carriedTraceparent(e)),
      );
      spans.push(span);
      const traceparent = traceparentOf(trace.setSpan(contextFromTraceparent(undefined), span));
      if (traceparent) message.headers.traceparent = traceparent;
      list.push(message);
      byTopic.set(topic, list);
    }
    try {
      await this.producer.send(
        (producer) => producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }),
        signal,
      );
    } catch (error) {
      for (const span of spans) recordError(span, error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
