import type { Admin, ITopicConfig } from "kafkajs";
import { z } from "zod";
import { TOPICS, type Topic } from "../../domain/events";
import { fieldIssues } from "../../domain/validation";
import { abortable } from "./abortable";

/**
 * The Kafka topics of the application (the domain's event types), with explicit
 * partition counts.
 *
 * Topics are never auto-created (the broker runs with auto.create.topics.enable=false):
 * `ensureTopics` creates them at start/deploy time (scripts/kafka/ensure-topics.ts, run by
 * `scripts/kafka/kafka.sh start` and by the `kafka-init` compose service) and per test file
 * under a unique prefix (tests/support/kafka.ts).
 *
 * Partition counts bound consumer parallelism per group and fix the key → partition
 * mapping; raising them later re-maps keys, so they are chosen up front. Order events are
 * keyed by order id (6 partitions); the others are lower volume (3).
 */
export interface TopicSpec {
  readonly topic: Topic;
  readonly numPartitions: number;
  /** Defaults to the caller's replicationFactor, else env KAFKA_REPLICATION_FACTOR (default 1). */
  readonly replicationFactor?: number;
}

export const TOPIC_SPECS: readonly TopicSpec[] = Object.freeze([
  { topic: TOPICS.orderCreated, numPartitions: 6 },
  { topic: TOPICS.orderPaid, numPartitions: 6 },
  { topic: TOPICS.orderCancelled, numPartitions: 6 },
  { topic: TOPICS.orderShipped, numPartitions: 6 },
  { topic: TOPICS.orderCompleted, numPartitions: 6 },
  { topic: TOPICS.orderRefunded, numPartitions: 6 },
  { topic: TOPICS.inventoryUpdated, numPartitions: 3 },
  { topic: TOPICS.userRegistered, numPartitions: 3 },
  { topic: TOPICS.userRegistrationAttempted, numPartitions: 3 },
] satisfies TopicSpec[]);

/**
 * Every topic has a dead-letter topic, `<topic>.dlq`: consumers publish there
 * what they give up on (kafka-consumer-runner.ts), with the original value and
 * headers plus why. One partition: it is read by people and tools, rarely, and
 * carries the original key for anyone replaying it.
 */
export const DEAD_LETTER_SUFFIX = ".dlq";
export const DEAD_LETTER_PARTITIONS = 1;

/** The dead-letter topic of a topic name (prefixed or not). */
export function deadLetterTopic(topic: string): string {
  return topic + DEAD_LETTER_SUFFIX;
}

/** Every topic name ensureTopics creates for these specs: each topic and its dead-letter topic. */
export function topicNames(specs: readonly TopicSpec[] = TOPIC_SPECS, prefix = ""): string[] {
  return specs.flatMap((s) => [prefix + s.topic, deadLetterTopic(prefix + s.topic)]);
}

const replicationFactorSchema = z.coerce
  .number()
  .int()
  .min(1, "KAFKA_REPLICATION_FACTOR must be >= 1")
  .max(32767)
  .default(1);

/** Reads KAFKA_REPLICATION_FACTOR (default 1); throws a readable error when invalid. */
export function replicationFactorFromEnv(
  env: Record<string, string | undefined> = process.env,
): number {
  const raw = env.KAFKA_REPLICATION_FACTOR;
  const parsed = replicationFactorSchema.safeParse(raw === "" ? undefined : raw);
  if (!parsed.success) {
    throw new Error(
      `Invalid KAFKA_REPLICATION_FACTOR=${JSON.stringify(raw)}: ${fieldIssues(parsed.error, { every: true })
        .map((f) => f.message)
        .join("; ")}`,
    );
  }
  return parsed.data;
}

export interface EnsureTopicsOptions {
  /** Topics to ensure, each with its dead-letter topic. Default: TOPIC_SPECS. */
  readonly specs?: readonly TopicSpec[];
  /** Prepended to every topic name (KAFKA_TOPIC_PREFIX, per-test isolation). Default "". */
  readonly prefix?: string;
  /** For specs without their own. Default: env KAFKA_REPLICATION_FACTOR, else 1. */
  readonly replicationFactor?: number;
  /**
   * Topic-level min.insync.replicas for the topics this call creates (existing topics are
   * left as they are). Unset: no topic config, the broker's default applies.
   */
  readonly minInsyncReplicas?: number;
  /** How long to wait for partition leaders after creation (ms). Default 30 000. */
  readonly leaderTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface EnsureTopicsResult {
  /** Topic names (with prefix) this call created. */
  readonly created: string[];
  /** Topic names that already existed (possibly created concurrently by someone else). */
  readonly existing: string[];
  /** Existing topics whose partition count differs from the spec (never changed automatically). */
  readonly partitionMismatches: { topic: string; expected: number; actual: number }[];
}

const sleep = (ms: number, signal?: AbortSignal) =>
  abortable(new Promise<void>((resolve) => setTimeout(resolve, ms)), signal);

/**
 * Creates the missing topics and their dead-letter topics (idempotent; safe to run concurrently from several
 * processes) and waits until every partition of every ensured topic has a leader.
 *
 *   await ensureTopics(admin);                         // TOPIC_SPECS, no prefix
 *   await ensureTopics(admin, signal);                 // abortable
 *   await ensureTopics(admin, { prefix: "t-1234." });  // options (signal may be one of them)
 */
export async function ensureTopics(
  admin: Admin,
  signalOrOptions?: AbortSignal | EnsureTopicsOptions,
  moreOptions: EnsureTopicsOptions = {},
): Promise<EnsureTopicsResult> {
  const options: EnsureTopicsOptions =
    signalOrOptions instanceof AbortSignal
      ? { ...moreOptions, signal: signalOrOptions }
      : { ...moreOptions, ...signalOrOptions };
  const { signal } = options;
  const specs = options.specs ?? TOPIC_SPECS;
  const prefix = options.prefix ?? "";
  const defaultReplication = options.replicationFactor ?? replicationFactorFromEnv();
  const leaderTimeoutMs = options.leaderTimeoutMs ?? 30_000;
  const { minInsyncReplicas } = options;
  if (minInsyncReplicas !== undefined && (!Number.isInteger(minInsyncReplicas) || minInsyncReplicas < 1)) {
    throw new Error(`minInsyncReplicas must be a positive integer, got ${minInsyncReplicas}`);
  }
  const configEntries =
    minInsyncReplicas === undefined ? undefined : [{ name: "min.insync.replicas", value: String(minInsyncReplicas) }];
  const named = specs.flatMap((s) => [
    { numPartitions: s.numPartitions, replicationFactor: s.replicationFactor, name: prefix + s.topic },
    { numPartitions: DEAD_LETTER_PARTITIONS, replicationFactor: s.replicationFactor, name: deadLetterTopic(prefix + s.topic) },
  ]);
  const names = named.map((s) => s.name);

  const present = new Set(await abortable(admin.listTopics(), signal));
  const missing = named.filter((s) => !present.has(s.name));

  const created: string[] = [];
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((s) => ({
      topic: s.name,
      numPartitions: s.numPartitions,
      replicationFactor: s.replicationFactor ?? defaultReplication,
      ...(configEntries ? { configEntries } : {}),
    }));
    // Resolves false when every topic already exists (a concurrent creator won the race);
    // any other error is thrown. Leaders are waited for below, not by kafkajs: on a
    // multi-broker cluster the broker it asks may not know a topic a few ms old yet, and
    // kafkajs gives up on that answer (UNKNOWN_TOPIC_OR_PARTITION) instead of retrying.
    const didCreate = await abortable(
      admin.createTopics({ waitForLeaders: false, timeout: leaderTimeoutMs, topics }),
      signal,
    );
    if (didCreate) created.push(...missing.map((s) => s.name));
  }

  // Every partition of every topic, new or already there, must have a leader.
  const deadline = Date.now() + leaderTimeoutMs;
  let metadata: Awaited<ReturnType<Admin["fetchTopicMetadata"]>>;
  for (;;) {
    try {
      metadata = await abortable(admin.fetchTopicMetadata({ topics: names }), signal);
      const leaderless = metadata.topics.filter((t) =>
        t.partitions.some((p) => p.leader === undefined || p.leader < 0),
      );
      if (leaderless.length === 0 && metadata.topics.length === names.length) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out waiting for partition leaders of: ${leaderless.map((t) => t.name).join(", ")}`,
        );
      }
    } catch (error) {
      if (signal?.aborted || Date.now() > deadline) throw error;
    }
    await sleep(200, signal);
  }

  const partitionMismatches = named.flatMap((s) => {
    const actual = metadata.topics.find((t) => t.name === s.name)?.partitions.length ?? 0;
    return actual === s.numPartitions ? [] : [{ topic: s.name, expected: s.numPartitions, actual }];
  });

  return {
    created,
    existing: names.filter((n) => !created.includes(n)),
    partitionMismatches,
  };
}
