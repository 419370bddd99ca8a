import { describe, expect, it } from "vitest";
import type { Kafka, ProducerConfig, ProducerBatch, RecordMetadata } from "kafkajs";
import type { DomainEvent } from "@/lib/domain/events";
import { KafkaEventPublisher } from "./kafka-event-publisher";

/**
 * A Kafka whose producers place messages with the configured partitioner (as
 * kafkajs does) and then answer for the partitions `answer` keeps: a stand-in
 * for kafkajs's multi-broker retry that forgets partitions moved to a broker
 * that had already answered.
 */
function fakeKafka(answer: (written: RecordMetadata[]) => RecordMetadata[]) {
  const producers: ProducerConfig[] = [];
  const kafka = {
    producer(config: ProducerConfig) {
      producers.push(config);
      const partitioner = config.createPartitioner!();
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        async sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
          const written = new Map<string, RecordMetadata>();
          for (const { topic, messages } of batch.topicMessages!) {
            for (const message of messages) {
              const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
              const partition = partitioner({ topic, partitionMetadata, message });
              written.set(`${topic}/${partition}`, { topicName: topic, partition, errorCode: 0 });
            }
          }
          return answer([...written.values()]);
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, producers };
}

// Twelve products' events: their keys spread over the six partitions.
const events = Array.from({ length: 12 }, (_, i): DomainEvent => {
  const id = `00000000-0000-4000-8000-0000000000${String(i).padStart(2, "0")}`;
  return { id, type: "inventory.updated", version: 1, aggregateType: "product", aggregateId: id, occurredAt: new Date(0), payload: {} } as unknown as DomainEvent;
});

describe("KafkaEventPublisher", () => {
  it("resolves when the brokers answered for every partition the batch was placed on", async () => {
    const { kafka, producers } = fakeKafka((written) => written);
    await new KafkaEventPublisher(kafka, "t.").publish(events);
    expect(producers).toHaveLength(1);
    expect(producers[0]).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it("fails the send when a partition it placed messages on got no answer, and sends the next batch on a new producer", async () => {
    let drop = true;
    const { kafka, producers } = fakeKafka((written) => (drop ? written.slice(1) : written));
    const publisher = new KafkaEventPublisher(kafka, "t.");
    await expect(publisher.publish(events)).rejects.toThrow(/confirmed no write to t\.inventory\.updated\/\d/);
    drop = false;
    await publisher.publish(events);
    expect(producers).toHaveLength(2);
  });
});
