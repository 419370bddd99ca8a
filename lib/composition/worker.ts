/**
 * Worker-side adapters (Kafka, SMTP). Kept apart from root.ts so the web
 * bundle never loads kafkajs or nodemailer; wired the same way, by hand.
 */
import type { Env } from "../infrastructure/config/env";
import { createKafka } from "../infrastructure/kafka/client";
import { DeadLetterQueue, KafkaConsumerRunner, type Logger } from "../infrastructure/kafka/kafka-consumer-runner";
import { KafkaEventPublisher } from "../infrastructure/kafka/kafka-event-publisher";
import { NodemailerMailer } from "../infrastructure/mail/nodemailer-mailer";
import type { DeadLetters, EventHandler } from "../application/shared";
import type { Topic } from "../domain/events";

export function createWorkerAdapters(services: { env: Env; deadLetters: DeadLetters }, logger: Logger) {
  const { env } = services;
  const kafka = createKafka(env.KAFKA_BROKERS, `${env.KAFKA_CLIENT_ID}-worker`);
  const publisher = new KafkaEventPublisher(kafka, env.KAFKA_TOPIC_PREFIX);
  const mailer = new NodemailerMailer(env.SMTP_URL, env.MAIL_FROM);
  const deadLetterQueue = new DeadLetterQueue(kafka, services.deadLetters);
  return {
    publisher,
    mailer,
    consumer: <T extends Topic>(handler: EventHandler<T>) =>
      new KafkaConsumerRunner(kafka, handler, { concurrency: env.WORKER_CONCURRENCY, logger, topicPrefix: env.KAFKA_TOPIC_PREFIX, deadLetterQueue }),
    async close() {
      await publisher.close();
      await deadLetterQueue.close();
      mailer.close();
    },
  };
}
