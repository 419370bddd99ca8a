import { setTimeout as delay } from "node:timers/promises";
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { DeadLetters, EventHandler } from "../../application/shared";
import { describeCauses } from "../../domain/errors";
import type { Topic } from "../../domain/events";
import { decodeEvent } from "./envelope";
import { deadLetterTopic } from "./topics";

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
  /** Where unreadable messages go: the topic's `.dlq` topic and the dead_letters table. */
  deadLetterQueue: DeadLetterQueue;
}

/** Headers a dead-lettered message carries besides its own. */
export const DEAD_LETTER_HEADERS = {
  error: "dlq-error",
  topic: "dlq-original-topic",
  partition: "dlq-original-partition",
  offset: "dlq-original-offset",
  group: "dlq-consumer-group",
} as const;

/** Header values are bytes; errors are for people, so a long one is cut. */
const MAX_ERROR_HEADER = 4_000;

function headersAsText(headers: IHeaders | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  }
  return out;
}

/** The event id of an unreadable message, if any part of it says: its header, else its JSON's "id". */
function readableEventId(message: KafkaMessage): string | null {
  const header = message.headers?.["event-id"];
  const fromHeader = header === undefined ? undefined : (Array.isArray(header) ? header[0] : header)?.toString();
  if (fromHeader) return fromHeader.slice(0, 64);
  try {
    const id = (JSON.parse(message.value?.toString("utf8") ?? "") as { id?: unknown } | null)?.id;
    return typeof id === "string" && id.length > 0 ? id.slice(0, 64) : null;
  } catch {
    return null;
  }
}

/**
 * Sends a message a consumer gives up on to `<topic>.dlq` (its value, key and
 * headers unchanged, plus DEAD_LETTER_HEADERS) and records it in dead_letters
 * for the back office. One per worker process, shared by its consumers.
 */
export class DeadLetterQueue {
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;

  constructor(
    kafka: Kafka,
    private readonly store: DeadLetters,
  ) {
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  private connect(): Promise<void> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    return this.connected;
  }

  /** Resolves once the message is on the dead-letter topic and recorded; throws otherwise (the caller must not commit then). */
  async send(origin: { topic: string; partition: number; group: string; message: KafkaMessage; error: unknown }, signal?: AbortSignal): Promise<void> {
    const { topic, partition, group, message } = origin;
    const error = describeCauses(origin.error);
    await this.connect();
    signal?.throwIfAborted();
    await this.producer.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            [DEAD_LETTER_HEADERS.error]: error.slice(0, MAX_ERROR_HEADER),
            [DEAD_LETTER_HEADERS.topic]: topic,
            [DEAD_LETTER_HEADERS.partition]: String(partition),
            [DEAD_LETTER_HEADERS.offset]: message.offset,
            [DEAD_LETTER_HEADERS.group]: group,
          },
        },
      ],
    });
    await this.store.record(
      {
        topic,
        partition,
        offset: message.offset,
        consumer: group,
        eventId: readableEventId(message),
        error,
        headers: headersAsText(message.headers),
        payload: message.value?.toString("utf8") ?? "",
      },
      signal,
    );
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/**
 * Runs one handler in its consumer group. Offsets are committed only after the
 * handler resolved (its transaction committed), so a crash redelivers rather
 * than loses. A message that cannot be parsed (not JSON, wrong schema, wrong
 * type) is dead-lettered: published to `<topic>.dlq` and recorded, and only
 * then is its offset committed, so the messages behind it keep flowing.
 */
export class KafkaConsumerRunner<T extends Topic> {
  private readonly consumer: Consumer;
  private readonly abort = new AbortController();
  private readonly group: string;

  constructor(
    kafka: Kafka,
    private readonly handler: EventHandler<T>,
    private readonly options: ConsumerOptions,
  ) {
    this.group = (options.topicPrefix ?? "") + handler.group;
    this.consumer = kafka.consumer({ groupId: this.group, allowAutoTopicCreation: false, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
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
          options.logger.error(`[${handler.group}] dead-lettering unreadable message ${topic}/${partition}@${message.offset}: ${describeCauses(error)}`);
          // Throws when the dead-letter topic or table cannot take it: then the
          // offset stays uncommitted and the message is tried again.
          await options.deadLetterQueue.send({ topic, partition, group: this.group, message, error }, signal);
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
              // Not dead-lettered either (yet): a handler that keeps failing on a
              // readable event is usually an outage (database, SMTP), not a bad
              // message. A later issue revisits this (dead-letter after retries).
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
