import { Partitioners, type Kafka, type RecordMetadata } from "kafkajs";
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
    // with any other Kafka client. It also notes where each message went, for
    // the check after each send (see publish).
    const partitioner = Partitioners.DefaultPartitioner();
    this.producer = new LazyProducer(() =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: () => (args) => {
          const partition = partitioner(args);
          this.placed.set(args.message, partition);
          return partition;
        },
      }),
    );
  }

  /** The partition the partitioner chose for each message object of a send in progress. */
  private readonly placed = new WeakMap<object, number>();

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
      await this.producer.send(async (producer) => {
        const written = await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        this.checkEveryPartitionWritten(byTopic, written);
      }, signal);
    } catch (error) {
      for (const span of spans) recordError(span, error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  /**
   * kafkajs's retry of a batch spread over several brokers re-sends only to
   * the brokers that have not answered yet. When a dead leader's partitions
   * have moved to a broker that already answered for its own, their messages
   * are never sent, and sendBatch resolves as if they had been: the scale
   * drill lost events that way (ADR 015). So every partition a message was
   * placed on must be in the broker's answers; if one is not, the send fails
   * and the relay sends the whole batch again (on a new producer). What did
   * land arrives twice; consumers skip it by event id.
   */
  private checkEveryPartitionWritten(byTopic: Map<string, { key: string }[]>, written: readonly RecordMetadata[]): void {
    const answered = new Set(written.map((r) => `${r.topicName}/${r.partition}`));
    const unanswered = new Set<string>();
    for (const [topic, messages] of byTopic) {
      for (const message of messages) {
        const partition = this.placed.get(message);
        if (partition === undefined || !answered.has(`${topic}/${partition}`)) unanswered.add(`${topic}/${partition ?? "?"}`);
      }
    }
    if (unanswered.size > 0) {
      throw new Error(`the broker confirmed no write to ${[...unanswered].join(", ")} (kafkajs skipped them on a retry); the batch is sent again`);
    }
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
