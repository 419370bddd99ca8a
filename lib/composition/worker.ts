/**
 * Worker-side adapters (Kafka, SMTP). Kept apart from root.ts so the web
 * bundle never loads kafkajs or nodemailer; wired the same way, by hand.
 */
import type { Env } from "../infrastructure/config/env";
import { createKafka } from "../infrastructure/kafka/client";
import { DeadLetterQueue, KafkaConsumerRunner, type Logger } from "../infrastructure/kafka/kafka-consumer-runner";
import { createPrismaClient } from "../infrastructure/db/prisma-client";
import { PrismaDeadLetterRepository } from "../infrastructure/db/prisma-dead-letter-repository";
import { KafkaEventPublisher } from "../infrastructure/kafka/kafka-event-publisher";
import { NodemailerMailer } from "../infrastructure/mail/nodemailer-mailer";
import type { EventHandler } from "../application/shared";
import type { Topic } from "../domain/events";

export function createWorkerAdapters(env: Env, logger: Logger) {
  const kafka = createKafka(env.KAFKA_BROKERS, `${env.KAFKA_CLIENT_ID}-worker`);
  const publisher = new KafkaEventPublisher(kafka, env.KAFKA_TOPIC_PREFIX);
  const mailer = new NodemailerMailer(env.SMTP_URL, env.MAIL_FROM);
  // Its own small pool (it connects on first use): dead letters are rare, and
  // this keeps them independent of the services' pool and of callers.
  const deadLetterDb = createPrismaClient(env.DATABASE_URL, { poolSize: 2 });
  const deadLetterQueue = new DeadLetterQueue(kafka, new PrismaDeadLetterRepository(deadLetterDb));
  return {
    publisher,
    mailer,
    consumer: <T extends Topic>(handler: EventHandler<T>) =>
      new KafkaConsumerRunner(kafka, handler, { concurrency: env.WORKER_CONCURRENCY, logger, topicPrefix: env.KAFKA_TOPIC_PREFIX, deadLetterQueue }),
    async close() {
      await publisher.close();
      await deadLetterQueue.close();
      await deadLetterDb.$disconnect();
      mailer.close();
    },
  };
}
