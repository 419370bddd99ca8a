import { Partitioners, type Kafka, type Producer } from "kafkajs";
import type { EventPublisher } from "../../application/outbox/relay-outbox";
import type { DomainEvent } from "../../domain/events";
import { encodeEvent } from "./envelope";

/** Idempotent producer, acks from all in-sync replicas, aggregate id as key (per-aggregate ordering). */
export class KafkaEventPublisher implements EventPublisher {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(
    kafka: Kafka,
    private readonly topicPrefix = "",
  ) {
    // Java's murmur2 partitioner: the same key lands on the same partition as
    // with any other Kafka client. Retries are bounded (kafkajs warns that this
    // can duplicate a message after a long outage); consumers are idempotent.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }

  async publish(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void> {
    if (events.length === 0) return;
    await this.connect();
    signal?.throwIfAborted();
    const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
    for (const e of events) {
      const topic = this.topicPrefix + e.type;
      const list = byTopic.get(topic) ?? [];
      list.push(encodeEvent(e));
      byTopic.set(topic, list);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    } catch (error) {
      // Start the next attempt on a fresh connection (after a broker restart
      // the old one may point at a dead socket or a stale producer epoch).
      const producer = this.producer;
      this.connected = null;
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}
