import { setTimeout as delay } from "node:timers/promises";
import type { Consumer, Kafka } from "kafkajs";
import type { EventHandler } from "../../application/shared";
import { describeCauses } from "../../domain/errors";
import type { Topic } from "../../domain/events";
import { decodeEvent } from "./envelope";

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export interface ConsumerOptions {
  /** Partitions handled at once by this consumer: a bounded pool. */
  concurrency: number;
  /** Attempts per message before giving up and letting the group redeliver it. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  logger: Logger;
  /** Prepended to the handler's topic and group (see KAFKA_TOPIC_PREFIX). */
  topicPrefix?: string;
}

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Runs one handler in its consumer group. Offsets are committed only after the
 * handler resolved (its transaction committed), so a crash redelivers rather
 * than loses. A message that cannot be parsed is logged and skipped.
 */
export class KafkaConsumerRunner<T extends Topic> {
  private readonly consumer: Consumer;
  private readonly abort = new AbortController();

  constructor(
    kafka: Kafka,
    private readonly handler: EventHandler<T>,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = kafka.consumer({ groupId: (options.topicPrefix ?? "") + handler.group, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  }

  async start(): Promise<void> {
    const { handler, options } = this;
    const signal = this.abort.signal;
    const maxAttempts = options.maxAttempts ?? 5;
    const base = options.baseBackoffMs ?? 200;
    await this.consumer.connect();
    // A new group starts at the beginning: events published before it first ran are not skipped.
    await this.consumer.subscribe({ topic: (options.topicPrefix ?? "") + handler.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.concurrency,
      eachMessage: async ({ topic, partition, message }) => {
        const next = (BigInt(message.offset) + 1n).toString();
        let event;
        try {
          event = decodeEvent(handler.topic, message.value);
        } catch (error) {
          options.logger.error(`[${handler.group}] skipping unreadable message ${topic}/${partition}@${message.offset}: ${describeCauses(error)}`);
          await this.consumer.commitOffsets([{ topic, partition, offset: next }]);
          return;
        }
        for (let attempt = 1; ; attempt++) {
          try {
            await handler.handle(event, signal);
            break;
          } catch (error) {
            if (attempt >= maxAttempts || signal.aborted) {
              // Not committed: the group redelivers it after the consumer restarts.
              throw new Error(`[${handler.group}] event ${event.id} failed ${attempt} times`, { cause: error });
            }
            options.logger.error(`[${handler.group}] event ${event.id} attempt ${attempt} failed, retrying: ${describeCauses(error)}`);
            // Exponential backoff with full jitter.
            await sleep(Math.random() * base * 2 ** (attempt - 1), signal);
          }
        }
        await this.consumer.commitOffsets([{ topic, partition, offset: next }]);
      },
    });
  }

  /** Stops fetching, lets in-flight handlers finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    this.abort.abort();
  }
}
