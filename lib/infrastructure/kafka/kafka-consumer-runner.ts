import { setTimeout as delay } from "node:timers/promises";
import type { Consumer, IHeaders, Kafka, KafkaMessage } from "kafkajs";
import type { DeadLetters, EventHandler, Logger as AppLogger } from "../../application/shared";
import { describeCauses } from "../../domain/errors";
import type { DomainEvent, Topic } from "../../domain/events";
import {
  context,
  contextFromTraceparent,
  recordError,
  runInBatchTraceScope,
  SpanKind,
  trace,
  tracer,
  type Context,
  type Span,
} from "../observability/tracing";
import { decodeEvent } from "./envelope";
import { LazyProducer } from "./lazy-producer";
import { deadLetterTopic } from "./topics";

export type Logger = Pick<AppLogger, "info" | "error">;

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
  /**
   * When set, the consumer takes whole fetched batches (kafkajs eachBatch) and
   * handles up to this many messages of a partition at a time: in one call of
   * the handler's handleBatch (one transaction) when it has one, else
   * concurrently across message keys (one key's messages in order). The
   * partition's offset is committed once every message of the chunk is done.
   * Unset: one message at a time (eachMessage).
   */
  batchSize?: number;
  /** Batch mode, handlers without handleBatch (or after a batch failed): how many keys are handled at once per partition. */
  keyConcurrency?: number;
}

/**
 * How quickly a group notices a dead member and hands its partitions over (ADR 015).
 *
 * kafkajs heartbeats only between fetches and when a handler calls heartbeat(),
 * and an idle fetch waits up to maxWaitTimeInMs (5 s by default) for data. So the
 * fetch wait is held to the heartbeat interval: an idle member then heartbeats,
 * and hears of a rebalance, about once a second, and a session timeout of a few
 * seconds is safe. A SIGKILLed member is dropped after `sessionTimeout`; the
 * others rejoin at their next heartbeat.
 */
export function consumerTimings(sessionTimeout: number) {
  const heartbeatInterval = Math.min(3_000, Math.max(300, Math.floor(sessionTimeout / 6)));
  return {
    sessionTimeout,
    heartbeatInterval,
    maxWaitTimeInMs: heartbeatInterval,
    // How long a rebalance waits for members to rejoin; a member that died
    // without leaving is dropped after its session timeout anyway.
    rebalanceTimeout: Math.max(sessionTimeout * 2, 10_000),
    // Short waits between retries: after a broker restart the coordinator
    // refuses this member's heartbeats and commits until it rejoins; a long
    // backoff there only delays the rejoin (uncommitted messages come again).
    retry: { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10 },
  };
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

/** The trace a message belongs to: its traceparent header (the relay's producer span), else a new one. */
function messageContext(message: KafkaMessage): Context {
  const header = message.headers?.traceparent;
  const value = header === undefined ? undefined : (Array.isArray(header) ? header[0] : header)?.toString();
  return contextFromTraceparent(value);
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
    this.producer = new LazyProducer(() => kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false }));
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
  /** Batch mode: a chunk of `size` messages of one partition done and committed. */
  batch?(group: string, topic: string, size: number, seconds: number): void;
  /** Batch mode: a handleBatch call failed, so its events are handled one by one. */
  batchFellBack?(group: string, topic: string): void;
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
    return this.kafka.consumer({ groupId: this.group, allowAutoTopicCreation: false, ...consumerTimings(this.options.sessionTimeoutMs ?? 6_000) });
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
          this.options.logger.error(`[${this.group}] restarting the consumer failed`, { err: error });
          await this.consumer.disconnect().catch(() => undefined);
        }
      }
    })().finally(() => {
      this.relaunching = null;
    });
  }

  private async launch(): Promise<void> {
    const { options } = this;
    const consumer = this.newConsumer();
    this.consumer = consumer;
    const { CRASH, STOP, GROUP_JOIN } = consumer.events;
    consumer.on(CRASH, (e) => {
      this.running = false;
      options.logger.error(`[${this.group}] consumer crashed (restart: ${String(e.payload.restart)})`, { err: e.payload.error });
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
    if (options.batchSize) {
      const batchSize = options.batchSize;
      await consumer.run({
        autoCommit: false,
        // Offsets are resolved chunk by chunk, after each chunk committed; a
        // batch left early (shutdown, rebalance) resumes after the last of them.
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          const { topic, partition } = batch;
          const handler = this.byTopic.get(topic);
          if (!handler) throw new Error(`[${this.group}] no handler for topic ${topic}`);
          for (let start = 0; start < batch.messages.length; start += batchSize) {
            // Stopping or rebalancing: what is not started stays uncommitted and comes again.
            if (!isRunning() || isStale()) return;
            const chunk = batch.messages.slice(start, start + batchSize);
            const started = performance.now();
            await this.handleChunk(topic, partition, handler, chunk, heartbeat);
            const last = chunk[chunk.length - 1]!.offset;
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
            resolveOffset(last);
            options.metrics?.batch?.(this.group, handler.topic, chunk.length, (performance.now() - started) / 1000);
            await heartbeat();
          }
        },
      });
      return;
    }
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: options.concurrency,
      eachMessage: async ({ topic, partition, message, heartbeat }) => {
        const handler = this.byTopic.get(topic);
        if (!handler) throw new Error(`[${this.group}] no handler for topic ${topic}`);
        const next = (BigInt(message.offset) + 1n).toString();
        const outcome = await this.handleMessage(topic, partition, handler, message, heartbeat);
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        if (outcome.processedSeconds !== undefined) options.metrics?.processed(this.group, handler.topic, outcome.processedSeconds);
      },
    });
  }

  /** Dead-letters a message; throws when the dead-letter topic or table cannot take it (then nothing may be committed). */
  private async deadLetter(topic: string, partition: number, handler: EventHandler<Topic>, message: KafkaMessage, error: unknown, reason: "unreadable" | "failed") {
    await this.options.deadLetterQueue.send({ topic, partition, group: this.group, message, error }, this.abort.signal);
    this.options.metrics?.deadLettered(this.group, handler.topic, reason);
  }

  /**
   * One message: decoded, handled with retries, dead-lettered when unreadable or
   * failing for good. Resolves when the offset may be committed (the caller
   * commits); throws when it may not (shutdown mid-handler, dead letter refused).
   */
  private async handleMessage(
    topic: string,
    partition: number,
    handler: EventHandler<Topic>,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    decoded?: DomainEvent<Topic>,
  ): Promise<{ processedSeconds?: number }> {
    const span = this.consumerSpan(topic, partition, message);
    try {
      return await context.with(trace.setSpan(context.active(), span), () => this.handleInSpan(span, topic, partition, handler, message, heartbeat, decoded));
    } finally {
      span.end();
    }
  }

  /** A consumer span per delivery, a child of the producer span that sent the message: a redelivery is a second one in the same trace. */
  private consumerSpan(topic: string, partition: number, message: KafkaMessage, parent: Context = messageContext(message)): Span {
    return tracer().startSpan(
      `process ${topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          "messaging.system": "kafka",
          "messaging.operation.type": "process",
          "messaging.destination.name": topic,
          "messaging.consumer.group.name": this.group,
          "messaging.destination.partition.id": String(partition),
          "messaging.kafka.offset": Number(message.offset),
        },
      },
      parent,
    );
  }

  private async handleInSpan(
    span: Span,
    topic: string,
    partition: number,
    handler: EventHandler<Topic>,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    decoded?: DomainEvent<Topic>,
  ): Promise<{ processedSeconds?: number }> {
    const { options } = this;
    const signal = this.abort.signal;
    const maxAttempts = options.maxAttempts ?? 5;
    const base = options.baseBackoffMs ?? 200;
    let event = decoded;
    if (!event) {
      try {
        event = decodeEvent(handler.topic, message.value);
      } catch (error) {
        recordError(span, error);
        options.logger.error(`[${this.group}] dead-lettering unreadable message ${topic}/${partition}@${message.offset}`, { err: error });
        await this.deadLetter(topic, partition, handler, message, error, "unreadable");
        return {};
      }
    }
    span.setAttribute("messaging.message.id", event.id);
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await handler.handle(event, signal);
        return { processedSeconds: (performance.now() - started) / 1000 };
      } catch (error) {
        options.metrics?.failedAttempt(this.group, handler.topic);
        span.addEvent("attempt failed", { attempt, "exception.message": error instanceof Error ? error.message : String(error) });
        // Shutting down: leave it uncommitted; the group redelivers it.
        if (signal.aborted) throw new Error(`[${this.group}] event ${event.id} interrupted by shutdown`, { cause: error });
        if (attempt >= maxAttempts) {
          recordError(span, error);
          span.setAttribute("storefront.dead_lettered", true);
          options.logger.error(`[${this.group}] event ${event.id} failed ${attempt} times, dead-lettering it`, { err: error });
          await this.deadLetter(topic, partition, handler, message, new Error(`failed ${attempt} times`, { cause: error }), "failed");
          return {};
        }
        options.logger.error(`[${this.group}] event ${event.id} attempt ${attempt} failed, retrying`, { err: error });
        await sleep(Math.random() * Math.min(30_000, base * 2 ** (attempt - 1)), signal);
        await heartbeat();
      }
    }
  }

  /**
   * Batch mode: every message of `chunk` (one partition, in offset order) done,
   * or a throw (nothing of the chunk may be committed then; what was done is
   * redelivered and recognised by processed_events).
   *
   * Unreadable messages are dead-lettered. The rest go to handleBatch in one
   * call when the handler has it: all of them take effect in one transaction,
   * or none. If that throws, they are handled one by one, so one poison event
   * is retried and dead-lettered alone. One by one means: messages with the
   * same key (an order's events) strictly in offset order, different keys
   * concurrently.
   */
  private async handleChunk(topic: string, partition: number, handler: EventHandler<Topic>, chunk: readonly KafkaMessage[], heartbeat: () => Promise<void>): Promise<void> {
    const { options } = this;
    const signal = this.abort.signal;
    const readable: { message: KafkaMessage; event: DomainEvent<Topic> }[] = [];
    for (const message of chunk) {
      try {
        readable.push({ message, event: decodeEvent(handler.topic, message.value) });
      } catch (error) {
        options.logger.error(`[${this.group}] dead-lettering unreadable message ${topic}/${partition}@${message.offset}`, { err: error });
        await this.deadLetter(topic, partition, handler, message, error, "unreadable");
      }
    }
    if (readable.length === 0) return;
    if (handler.handleBatch && readable.length > 1) {
      const started = performance.now();
      // One consumer span per message, each in its own trace; the batch's
      // transaction runs in the first one's context, and what it writes for
      // an event or an order goes into that event's trace (BatchTraceScope).
      const spans = readable.map((r) => this.consumerSpan(topic, partition, r.message));
      const byEventId = new Map<string, Context>();
      const byAggregateId = new Map<string, Context>();
      readable.forEach((r, i) => {
        const ctx = trace.setSpan(context.active(), spans[i]!);
        spans[i]!.setAttributes({ "messaging.message.id": r.event.id, "messaging.batch.message_count": readable.length });
        byEventId.set(r.event.id, ctx);
        byAggregateId.set(r.event.aggregateId, ctx);
      });
      try {
        await runInBatchTraceScope({ byEventId, byAggregateId }, () =>
          context.with(byEventId.get(readable[0]!.event.id)!, () =>
            handler.handleBatch!(
              readable.map((r) => r.event),
              signal,
            ),
          ),
        );
        const seconds = (performance.now() - started) / 1000;
        for (let i = 0; i < readable.length; i++) options.metrics?.processed(this.group, handler.topic, seconds);
        return;
      } catch (error) {
        for (const span of spans) span.addEvent("batch failed; handled one by one", { "exception.message": error instanceof Error ? error.message : String(error) });
        if (signal.aborted) throw new Error(`[${this.group}] a batch of ${readable.length} events was interrupted by shutdown`, { cause: error });
        options.metrics?.batchFellBack?.(this.group, handler.topic);
        options.logger.error(`[${this.group}] a batch of ${readable.length} events on ${topic}/${partition} failed, handling them one by one`, { err: error });
      } finally {
        for (const span of spans) span.end();
      }
    }
    // One lane per key, in offset order; a message without a key is a lane of its own.
    const lanes = new Map<string, typeof readable>();
    for (const r of readable) {
      const key = r.message.key ? `k:${r.message.key.toString("hex")}` : `o:${r.message.offset}`;
      const lane = lanes.get(key) ?? [];
      lane.push(r);
      lanes.set(key, lane);
    }
    const queue = [...lanes.values()];
    let failure: { error: unknown } | null = null;
    const worker = async () => {
      for (let lane = queue.shift(); lane && !failure; lane = queue.shift()) {
        for (const { message, event } of lane) {
          try {
            const outcome = await this.handleMessage(topic, partition, handler, message, heartbeat, event);
            if (outcome.processedSeconds !== undefined) options.metrics?.processed(this.group, handler.topic, outcome.processedSeconds);
          } catch (error) {
            // The chunk will not be committed; stop starting new work in it.
            failure ??= { error };
            return;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.keyConcurrency ?? 8, queue.length) }, worker));
    if (failure) throw (failure as { error: unknown }).error;
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
