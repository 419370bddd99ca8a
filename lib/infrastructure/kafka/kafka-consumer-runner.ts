import { setTimeout as delay } from "node:timers/promises";
import type { Consumer, IHeaders, Kafka, KafkaMessage } from "kafkajs";
import type { DeadLetters, EventHandler } from "../../application/shared";
import { describeCauses } from "../../domain/errors";
import type { Topic } from "../../domain/events";
import { decodeEvent } from "./envelope";
import { LazyProducer } from "./lazy-producer";
import { deadLetterTopic } from "./topics";

export interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export interface ConsumerOptions {
  /** Partitions handled at once by this consumer: a bounded pool. */
  concurrency: number;
  /** Kafka session timeout: how soon a dead member's partitions move to the others. */
  sessionTimeoutMs?: number;
  /** Attempts per message before it is dead-lettered. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  logger: Logger;
  /** Prepended to the handler's topic and group (see KAFKA_TOPIC_PREFIX). */
  topicPrefix?: string;
  /** Where unreadable messages go: the topic's `.dlq` topic and the dead_letters table. */
  deadLetterQueue: DeadLetterQueue;
  metrics?: ConsumerMetrics;
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
  private readonly producer: LazyProducer;

  constructor(
    kafka: Kafka,
    private readonly store: DeadLetters,
  ) {
    this.producer = new LazyProducer(kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
  }

  /** Resolves once the message is on the dead-letter topic and recorded; throws otherwise (the caller must not commit then). */
  async send(origin: { topic: string; partition: number; group: string; message: KafkaMessage; error: unknown }, signal?: AbortSignal): Promise<void> {
    const { topic, partition, group, message } = origin;
    const error = describeCauses(origin.error);
    const headers = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.error]: error.slice(0, MAX_ERROR_HEADER),
      [DEAD_LETTER_HEADERS.topic]: topic,
      [DEAD_LETTER_HEADERS.partition]: String(partition),
      [DEAD_LETTER_HEADERS.offset]: message.offset,
      [DEAD_LETTER_HEADERS.group]: group,
    };
    await this.producer.send(
      (producer) => producer.send({ topic: deadLetterTopic(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] }),
      signal,
    );
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

  close(): Promise<void> {
    return this.producer.close();
  }
}

/** Waits, or returns early when the signal aborts (node removes its listener either way). */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/** What the runner reports; the worker's Prometheus metrics implement it. */
export interface ConsumerMetrics {
  processed(group: string, topic: string, seconds: number): void;
  failedAttempt(group: string, topic: string): void;
  deadLettered(group: string, topic: string, reason: "unreadable" | "failed"): void;
}

/**
 * Runs the handlers of one consumer group (one concern: inventory,
 * notifications), each on its own topic.
 *
 * - Offsets are committed only after the handler resolved, i.e. after its
 *   database transaction committed, so a crash redelivers rather than loses.
 *   Handlers record the event id in the same transaction, so a redelivery
 *   does nothing.
 * - A handler that throws is retried with exponential backoff and full jitter.
 *   When it still fails after `maxAttempts`, or when the message cannot be
 *   parsed at all (not JSON, wrong schema, wrong type), the message goes to
 *   `<topic>.dlq` with the error and its original headers and is recorded;
 *   only then is its offset committed, so the partition moves on.
 * - On stop, fetching stops, handlers in flight finish and commit, then the
 *   consumer leaves the group. A handler interrupted by shutdown is neither
 *   committed nor dead-lettered: the group redelivers it.
 */
export class KafkaConsumerRunner {
  private consumer!: Consumer;
  private readonly abort = new AbortController();
  private readonly group: string;
  private readonly byTopic = new Map<string, EventHandler<Topic>>();
  private running = false;
  private stopping = false;
  private relaunches = 0;
  private relaunching: Promise<void> | null = null;

  constructor(
    private readonly kafka: Kafka,
    group: string,
    handlers: readonly EventHandler<Topic>[],
    private readonly options: ConsumerOptions,
  ) {
    const prefix = options.topicPrefix ?? "";
    this.group = prefix + group;
    for (const h of handlers) {
      if (h.group !== group) throw new Error(`handler for ${h.topic} belongs to group ${h.group}, not ${group}`);
      if (this.byTopic.has(prefix + h.topic)) throw new Error(`two handlers for ${h.topic} in group ${group}`);
      this.byTopic.set(prefix + h.topic, h);
    }
  }

  private newConsumer(): Consumer {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    return this.kafka.consumer({
      groupId: this.group,
      allowAutoTopicCreation: false,
      sessionTimeout,
      // How long a rebalance waits for members to rejoin; a member that died
      // without leaving is dropped after its session timeout anyway.
      rebalanceTimeout: Math.max(sessionTimeout * 2, 10_000),
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      // Short waits between retries: after a broker restart the coordinator
      // refuses this member's heartbeats and commits until it rejoins; a long
      // backoff there only delays the rejoin (uncommitted messages come again).
      retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10 },
    });
  }

  /** The group id (with prefix) and its topics, for lag metrics. */
  get subscription(): { group: string; topics: string[] } {
    return { group: this.group, topics: [...this.byTopic.keys()] };
  }

  /** True while the consumer is in its group and fetching. */
  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    await this.launch();
  }

  /**
   * kafkajs restarts a consumer after retriable failures by itself. After a
   * non-retriable one (after a broker restart, say, the coordinator no longer
   * knows this member and refuses its commits) it stops for good, so the runner
   * starts a fresh consumer, with backoff. Nothing is lost: uncommitted
   * messages are delivered again, and handlers are idempotent.
   */
  private relaunch(): void {
    if (this.stopping || this.relaunching) return;
    const old = this.consumer;
    this.relaunching = (async () => {
      await old.disconnect().catch(() => undefined);
      while (!this.stopping) {
        const wait = Math.min(30_000, 500 * 2 ** Math.min(this.relaunches++, 6));
        await sleep(wait * (0.5 + Math.random() / 2), this.abort.signal);
        if (this.stopping) return;
        try {
          await this.launch();
          this.options.logger.info(`[${this.group}] consumer started again`);
          return;
        } catch (error) {
          this.options.logger.error(`[${this.group}] restarting the consumer failed: ${describeCauses(error)}`);
          await this.consumer.disconnect().catch(() => undefined);
        }
      }
    })().finally(() => {
      this.relaunching = null;
    });
  }

  private async launch(): Promise<void> {
    const { options } = this;
    const signal = this.abort.signal;
    const maxAttempts = options.maxAttempts ?? 5;
    const base = options.baseBackoffMs ?? 200;
    const consumer = this.newConsumer();
    this.consumer = consumer;
    const { CRASH, STOP, GROUP_JOIN } = consumer.events;
    consumer.on(CRASH, (e) => {
      this.running = false;
      options.logger.error(`[${this.group}] consumer crashed (restart: ${String(e.payload.restart)}): ${describeCauses(e.payload.error)}`);
      if (!e.payload.restart) this.relaunch();
    });
    consumer.on(STOP, () => void (this.running = false));
    consumer.on(GROUP_JOIN, () => {
      this.running = true;
      this.relaunches = 0;
    });
    await consumer.connect();
    // A new group starts at the beginning: events published before it first ran are not skipped.
    await consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.concurrency,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const handler = this.byTopic.get(topic);
        if (!handler) throw new Error(`[${this.group}] no handler for topic ${topic}`);
        const next = (BigInt(message.offset) + 1n).toString();
        const deadLetter = async (error: unknown, reason: "unreadable" | "failed") => {
          // Throws when the dead-letter topic or table cannot take it: then the
          // offset stays uncommitted and the message is tried again.
          await options.deadLetterQueue.send({ topic, partition, group: this.group, message, error }, signal);
          options.metrics?.deadLettered(this.group, handler.topic, reason);
          await consumer.commitOffsets([{ topic, partition, offset: next }]);
        };
        let event;
        try {
          event = decodeEvent(handler.topic, message.value);
        } catch (error) {
          options.logger.error(`[${this.group}] dead-lettering unreadable message ${topic}/${partition}@${message.offset}: ${describeCauses(error)}`);
          await deadLetter(error, "unreadable");
          return;
        }
        const started = performance.now();
        for (let attempt = 1; ; attempt++) {
          try {
            await handler.handle(event, signal);
            break;
          } catch (error) {
            options.metrics?.failedAttempt(this.group, handler.topic);
            // Shutting down: leave it uncommitted; the group redelivers it.
            if (signal.aborted) throw new Error(`[${this.group}] event ${event.id} interrupted by shutdown`, { cause: error });
            if (attempt >= maxAttempts) {
              options.logger.error(`[${this.group}] event ${event.id} failed ${attempt} times, dead-lettering it: ${describeCauses(error)}`);
              await deadLetter(new Error(`failed ${attempt} times`, { cause: error }), "failed");
              return;
            }
            options.logger.error(`[${this.group}] event ${event.id} attempt ${attempt} failed, retrying: ${describeCauses(error)}`);
            await sleep(Math.random() * Math.min(30_000, base * 2 ** (attempt - 1)), signal);
            await heartbeat();
          }
        }
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        options.metrics?.processed(this.group, handler.topic, (performance.now() - started) / 1000);
      },
    });
  }

  /** Stops fetching, lets in-flight handlers finish and commit, then leaves the group. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.relaunching) {
      // Between consumers: nothing is in flight; cut the backoff short.
      this.abort.abort();
      await this.relaunching;
    }
    await this.consumer.disconnect();
    this.running = false;
    this.abort.abort();
  }
}
