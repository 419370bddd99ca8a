import { randomUUID } from "node:crypto";
import { createKafka } from "@/lib/infrastructure/kafka/client";
import { createLogger } from "@/lib/infrastructure/observability/logger";
import { ensureTopics, topicNames, TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";

export const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? "127.0.0.1:9092").split(",");

/**
 * Each test file gets its own topics (and consumer groups) under a unique
 * prefix, so files running in parallel on one broker never see each other's events.
 */
export async function isolatedTopics() {
  const prefix = `t-${randomUUID().slice(0, 8)}.`;
  const kafka = createKafka(KAFKA_BROKERS, `test-${prefix}`, createLogger("tests"));
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
