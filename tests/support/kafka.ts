import { randomUUID } from "node:crypto";
import { loadKafkaEnv } from "@/lib/infrastructure/config/env";
import { createKafka } from "@/lib/infrastructure/kafka/client";
import { kafkaConnection } from "@/lib/infrastructure/kafka/connection";
import { createLogger } from "@/lib/infrastructure/observability/logger";
import { ensureTopics, topicNames, TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";

/** The shared broker as the environment describes it (brokers, TLS, SASL), read as the app reads it. */
export const KAFKA = kafkaConnection(loadKafkaEnv());
export const KAFKA_BROKERS = KAFKA.brokers;

/**
 * Each test file gets its own topics (and consumer groups) under a unique
 * prefix, so files running in parallel on one broker never see each other's events.
 */
export async function isolatedTopics() {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  const kafka = createKafka(KAFKA, `test-${prefix}`, createLogger("tests"));
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { specs: TOPIC_SPECS, prefix, replicationFactor: 1 });
  return {
    prefix,
    kafka,
    async drop() {
      await admin.deleteTopics({ topics: topicNames(TOPIC_SPECS, prefix) }).catch(() => undefined);
      await admin.disconnect();
    },
  };
}
