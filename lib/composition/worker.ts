/**
 * Worker-side adapters (Kafka, SMTP, LISTEN connections, metrics). Kept apart
 * from root.ts so the web bundle never loads kafkajs or nodemailer; wired the
 * same way, by hand.
 */
import type { Env } from "../infrastructure/config/env";
import { PgWakeup } from "../infrastructure/db/pg-wakeup";
import { createKafka } from "../infrastructure/kafka/client";
import { kafkaConnection } from "../infrastructure/kafka/connection";
import { collectConsumerLag } from "../infrastructure/kafka/consumer-lag";
import { DeadLetterQueue, KafkaConsumerRunner, type ConsumerMetrics } from "../infrastructure/kafka/kafka-consumer-runner";
import { KafkaEventPublisher } from "../infrastructure/kafka/kafka-event-publisher";
import { NodemailerMailer } from "../infrastructure/mail/nodemailer-mailer";
import { createWorkerBatchMetrics, createWorkerMetrics, MetricsRegistry } from "../infrastructure/observability/metrics";
import type { DeadLetters, EventHandler, Logger } from "../application/shared";
import type { Topic } from "../domain/events";

export function createWorkerAdapters(services: { env: Env; deadLetters: DeadLetters }, logger: Logger) {
  const { env } = services;
  // Each wait between retries is capped at 3 s: while a broker is away the
  // consumers keep knocking, so they are back within seconds of it, not after
  // a backoff grown to half a minute.
  const connection = kafkaConnection(env);
  const kafka = createKafka(connection, `${env.KAFKA_CLIENT_ID}-worker`, logger, { initialRetryTime: 200, maxRetryTime: 3_000, retries: 10 });
  // The relay retries a failed batch itself (with backoff), so its producer
  // gives up sooner than the default and the claimed rows are released.
  const publisher = new KafkaEventPublisher(
    createKafka(connection, `${env.KAFKA_CLIENT_ID}-relay`, logger, { initialRetryTime: 200, retries: 5, maxRetryTime: 5_000 }),
    env.KAFKA_TOPIC_PREFIX,
  );
  const mailer = new NodemailerMailer(env.SMTP_URL, env.MAIL_FROM, env.EMAIL_CONCURRENCY);
  const deadLetterQueue = new DeadLetterQueue(kafka, services.deadLetters);
  // The registry the worker serves on /metrics, so the process metrics (CPU, memory, event loop, GC) go with it.
  const metrics = createWorkerMetrics(new MetricsRegistry({ processMetrics: true, log: { error: (m) => logger.warn(`metrics: ${m}`) } }));
  const batchMetrics = createWorkerBatchMetrics(metrics.registry);
  const consumerMetrics: ConsumerMetrics = {
    processed: (group, topic, seconds) => {
      metrics.eventsProcessed.inc({ group, topic });
      metrics.handlerSeconds.observe({ group, topic }, seconds);
    },
    failedAttempt: (group, topic) => metrics.eventsFailed.inc({ group, topic }),
    deadLettered: (group, topic, reason) => metrics.eventsDeadLettered.inc({ group, topic, reason }),
    batch: (group, topic, size) => batchMetrics.consumerBatchEvents.observe({ group, topic }, size),
    batchFellBack: (group, topic) => batchMetrics.consumerBatchFallbacks.inc({ group, topic }),
  };
  const runners: KafkaConsumerRunner[] = [];
  const admin = kafka.admin();
  let adminConnected: Promise<void> | null = null;
  // Lag is read from the broker at scrape time: committed offsets against high watermarks.
  metrics.registry.onCollect(async (signal) => {
    if (runners.length === 0) return;
    adminConnected ??= admin.connect().catch((error: unknown) => {
      adminConnected = null;
      throw error;
    });
    await adminConnected;
    await collectConsumerLag(admin, runners.map((r) => r.subscription), metrics.consumerLag, signal);
  });
  const wakeups: PgWakeup[] = [];
  return {
    publisher,
    mailer,
    metrics,
    batchMetrics,
    /** A LISTEN connection that wakes a loop when the channel is notified. */
    wakeup(channel: string): PgWakeup {
      const w = new PgWakeup({ databaseUrl: env.DATABASE_URL, channels: [channel], applicationName: `storefront-worker-${channel}`, log: logger.error });
      wakeups.push(w);
      return w;
    },
    /** One consumer group (one concern) running the given handlers. */
    consumerGroup(group: string, handlers: readonly EventHandler<Topic>[]): KafkaConsumerRunner {
      const runner = new KafkaConsumerRunner(kafka, group, handlers, {
        concurrency: env.WORKER_CONCURRENCY,
        maxAttempts: env.CONSUMER_MAX_ATTEMPTS,
        sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
        baseBackoffMs: env.CONSUMER_BACKOFF_MS,
        logger,
        topicPrefix: env.KAFKA_TOPIC_PREFIX,
        deadLetterQueue,
        metrics: consumerMetrics,
        batchSize: env.CONSUMER_BATCH_SIZE || undefined,
      });
      runners.push(runner);
      return runner;
    },
    async close() {
      await Promise.allSettled([
        publisher.close(),
        deadLetterQueue.close(),
        adminConnected ? admin.disconnect() : undefined,
        ...wakeups.map((w) => w.close()),
      ]);
      mailer.close();
    },
  };
}
