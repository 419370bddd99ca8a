/**
 * Waits (bounded) until the Kafka brokers answer an admin call, then creates the
 * application's topics (lib/infrastructure/kafka/topics.ts) if they are missing.
 *
 *   npx tsx scripts/kafka/ensure-topics.ts
 *
 * Env:
 *   KAFKA_BROKERS            comma separated host:port list (default 127.0.0.1:9092)
 *   KAFKA_READY_TIMEOUT_MS   how long to wait for the brokers (default 90000)
 *   KAFKA_REPLICATION_FACTOR replication factor for new topics (default 1)
 *   KAFKA_MIN_INSYNC_REPLICAS optional min.insync.replicas topic config for new topics
 *                            (unset: none, the broker default applies)
 *   KAFKA_TOPIC_PREFIX       prepended to every topic name (default "", as the app's env)
 *   KAFKA_READY_SINCE_MS     optional epoch ms the broker was launched at; only used to
 *                            report how long the broker took to become ready
 *   KAFKA_SSL, KAFKA_SSL_CA_FILE, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
 *   KAFKA_SASL_PASSWORD      as the app's (lib/infrastructure/config/env.ts)
 *
 * Exit code 0 when all topics exist with leaders, 1 otherwise.
 */
import { Kafka, logLevel, type Admin, type logCreator } from "kafkajs";
import { z } from "zod";
import { loadKafkaEnv } from "../../lib/infrastructure/config/env";
import { kafkaConnection, type KafkaConnection } from "../../lib/infrastructure/kafka/connection";
import { ensureTopics, TOPIC_SPECS } from "../../lib/infrastructure/kafka/topics";

const brokerSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]+:\d{1,5}$/, "each broker must look like host:port");

const envSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:9092")
    .transform((s) =>
      s
        .split(",")
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(brokerSchema).min(1, "KAFKA_BROKERS is empty")),
  KAFKA_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(90_000),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32767).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32767).optional(),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
    .max(40)
    .default(""),
  KAFKA_READY_SINCE_MS: z
    .string()
    .optional()
    .transform((s) => (s ? Number(s) : undefined))
    .pipe(z.number().int().positive().optional()),
});

function readEnv(): z.infer<typeof envSchema> & { connection: KafkaConnection } {
  // Treat empty strings as unset so `VAR= cmd` falls back to the default.
  const raw = Object.fromEntries(
    Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    console.error(`[ensure-topics] invalid environment:\n${issues}`);
    process.exit(1);
  }
  // TLS and SASL exactly as the app reads them, so the script reaches a broker the app reaches.
  try {
    return { ...parsed.data, connection: kafkaConnection(loadKafkaEnv(raw)) };
  } catch (error) {
    console.error(`[ensure-topics] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}

/** A refused password or certificate does not mend itself: waiting for the broker longer is pointless. */
function isPermanent(error: unknown): boolean {
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : "";
  return name === "KafkaJSSASLAuthenticationError" || /certificate|self[- ]signed/i.test(message);
}

// kafkajs logs every refused connection at ERROR level; while we wait for the broker to
// come up those are expected, so they are muted until the first successful call.
let muted = true;
const quietLogCreator: logCreator =
  () =>
  ({ level, log }) => {
    if (muted || level > logLevel.WARN) return;
    const { message, ...extra } = log;
    const tag = level === logLevel.ERROR ? "ERROR" : "WARN";
    console.error(`[kafkajs] ${tag} ${message} ${JSON.stringify(extra)}`);
  };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const env = readEnv();
  const controller = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => controller.abort(new Error(`received ${sig}`));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const kafka = new Kafka({
    clientId: "storefront-ensure-topics",
    brokers: env.KAFKA_BROKERS,
    ssl: env.connection.ssl,
    sasl: env.connection.sasl,
    logLevel: logLevel.WARN,
    logCreator: quietLogCreator,
    connectionTimeout: 1_000,
    requestTimeout: 10_000,
    // Our own loop below does the (bounded) retrying.
    retry: { retries: 0 },
  });

  const started = Date.now();
  const deadline = started + env.KAFKA_READY_TIMEOUT_MS;
  let admin: Admin | undefined;
  let attempts = 0;
  let lastError = "";

  while (!admin) {
    if (controller.signal.aborted) throw controller.signal.reason;
    attempts += 1;
    const candidate = kafka.admin({ retry: { retries: 0 } });
    try {
      await candidate.connect();
      await candidate.describeCluster();
      admin = candidate;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
      await candidate.disconnect().catch(() => undefined);
      if (isPermanent(error)) {
        console.error(`[ensure-topics] Kafka at ${env.KAFKA_BROKERS.join(",")} refused this client: ${lastError}`);
        return 1;
      }
      if (Date.now() >= deadline) {
        console.error(
          `[ensure-topics] Kafka at ${env.KAFKA_BROKERS.join(",")} did not answer within ` +
            `${Math.round(env.KAFKA_READY_TIMEOUT_MS / 1000)}s (${attempts} attempts); last error: ${lastError}`,
        );
        return 1;
      }
      await sleep(250);
    }
  }
  muted = false;

  const readyAt = Date.now();
  const since = env.KAFKA_READY_SINCE_MS ?? started;
  console.log(
    `[ensure-topics] broker ${env.KAFKA_BROKERS.join(",")} answered after ` +
      `${((readyAt - since) / 1000).toFixed(1)}s` +
      (env.KAFKA_READY_SINCE_MS ? " since launch" : "") +
      ` (${attempts} attempt${attempts === 1 ? "" : "s"})`,
  );

  try {
    // A fresh admin client with normal retries for the actual work.
    await admin.disconnect();
    admin = new Kafka({
      clientId: "storefront-ensure-topics",
      brokers: env.KAFKA_BROKERS,
    ssl: env.connection.ssl,
    sasl: env.connection.sasl,
      logLevel: logLevel.WARN,
      logCreator: quietLogCreator,
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry: { retries: 5, initialRetryTime: 300 },
    }).admin();
    await admin.connect();

    const result = await ensureTopics(admin, controller.signal, {
      replicationFactor: env.KAFKA_REPLICATION_FACTOR,
      prefix: env.KAFKA_TOPIC_PREFIX,
      minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS,
    });
    // On a cluster, a broker may not know a topic another one created a few ms ago yet:
    // asked again, it does (ensureTopics already saw every leader).
    const summaryTopics = TOPIC_SPECS.map((s) => env.KAFKA_TOPIC_PREFIX + s.topic);
    let meta: Awaited<ReturnType<Admin["fetchTopicMetadata"]>> | undefined;
    for (let attempt = 1; !meta; attempt++) {
      try {
        meta = await admin.fetchTopicMetadata({ topics: summaryTopics });
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(250);
      }
    }
    const summary = meta.topics
      .map((t) => `${t.name}(${t.partitions.length})`)
      .sort()
      .join(" ");
    console.log(
      `[ensure-topics] created ${result.created.length}, already present ${result.existing.length}: ${summary}`,
    );
    for (const m of result.partitionMismatches) {
      console.warn(
        `[ensure-topics] WARN topic ${m.topic} has ${m.actual} partitions, spec says ${m.expected} (left unchanged)`,
      );
    }

    // Looking up a group coordinator makes a fresh broker create __consumer_offsets now,
    // instead of when the first consumer joins (which then logs "group coordinator is
    // not available" and retries). Best effort: a failure here is only a warning.
    const warmStart = Date.now();
    try {
      muted = true;
      await admin.describeGroups(["storefront-ensure-topics-warmup"]);
      console.log(`[ensure-topics] group coordinator ready in ${Date.now() - warmStart} ms`);
    } catch (error) {
      console.warn(
        `[ensure-topics] WARN group coordinator not ready yet: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      muted = false;
    }
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[ensure-topics] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
