import { Partitioners, type Kafka } from "kafkajs";
import type { EventPublisher } from "../../application/outbox/relay-outbox";
import type { DomainEvent } from "../../domain/events";
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

  async publish(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
    for (const e of events) {
      const topic = this.topicPrefix + e.type;
      const list = byTopic.get(topic) ?? [];
      list.push(encodeEvent(e));
      byTopic.set(topic, list);
    }
    await this.producer.send(
      (producer) => producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) }),
      signal,
    );
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
