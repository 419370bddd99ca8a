import type { DomainEvent, Topic } from "../domain/events";
import { AppError } from "../domain/errors";

/** Small ports every use case may need. Each use case names only those it uses. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  uuid(): string;
}

/** Appends an event to the transactional outbox, inside the caller's transaction. */
export interface OutboxWriter {
  append(event: DomainEvent, signal?: AbortSignal): Promise<void>;
}

/**
 * Runs `work` in one database transaction with repositories bound to it.
 * Commits when `work` resolves, rolls back when it throws or the signal aborts.
 * R is the set of repositories the calling use case needs (and nothing more).
 */
export interface UnitOfWork<R> {
  run<T>(work: (repos: R) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Records that a consumer has handled an event (idempotency). */
export interface ProcessedEvents {
  /** Marks the event handled; false when it already was (a redelivery). */
  markProcessed(consumer: string, eventId: string, signal?: AbortSignal): Promise<boolean>;
  isProcessed(consumer: string, eventId: string, signal?: AbortSignal): Promise<boolean>;
}

/** A message a consumer gave up on, as it was published to its topic's dead-letter topic. */
export interface DeadLetter {
  /** The topic it arrived on (with any environment prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The consumer group that gave up on it. */
  readonly consumer: string;
  /** The event id when one could be read from the message. */
  readonly eventId: string | null;
  readonly error: string;
  /** The message's own headers, as text. */
  readonly headers: Readonly<Record<string, string | string[]>>;
  /** The raw value as UTF-8 text. */
  readonly payload: string;
}

/** Keeps dead letters for the back office. Recording the same message (topic, partition, offset, consumer) twice keeps one. */
export interface DeadLetters {
  record(letter: DeadLetter, signal?: AbortSignal): Promise<void>;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new AppError("unavailable", "the operation was cancelled", { cause: signal.reason });
  }
}

export const systemClock: Clock = { now: () => new Date() };

/** A consumer of one topic in one consumer group. One file per handler under workers/handlers. */
export interface EventHandler<T extends Topic = Topic> {
  readonly topic: T;
  readonly group: string;
  handle(event: DomainEvent<T>, signal: AbortSignal): Promise<unknown>;
  /**
   * Optional: several events of one partition at once, in their order (one
   * aggregate's events may be among them, in the order they must take effect).
   * All take effect, each exactly as `handle` would have done it, or none (one
   * transaction): when it throws, the consumer hands the events to `handle`
   * one by one, so a single bad event is retried and dead-lettered alone.
   */
  handleBatch?(events: readonly DomainEvent<T>[], signal: AbortSignal): Promise<unknown>;
}

/**
 * Fields a log line carries beside its message. An error goes under `err`:
 * the adapter logs it once, with its whole cause chain, so messages need not
 * repeat it.
 */
export type LogFields = { readonly err?: unknown } & Readonly<Record<string, unknown>>;

/**
 * Where code reports what it cannot hand back to a caller (the port; the
 * adapter is pino, lib/infrastructure/observability/logger.ts). The methods are
 * bound: `log.error` may be passed where a function is wanted.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines also carry `bindings` (e.g. `{ component: "kafkajs" }`). */
  child(bindings: Readonly<Record<string, unknown>>): Logger;
}
