/**
 * Prints, as one JSON line, each partition of a topic with its leader, replicas and ISR,
 * plus the topic's min.insync.replicas. For failover drills on the local cluster
 * (scripts/kafka/cluster.sh): run it before and after killing a node.
 *
 *   node --import tsx scripts/kafka/cluster-leaders.ts order.created
 *
 * Env:
 *   KAFKA_BROKERS       comma separated host:port list (default the cluster's three)
 *   KAFKA_TOPIC_PREFIX  prepended to the topic name (default "")
 */
import { Kafka, logLevel, type ConfigResourceTypes } from "kafkajs";
import { z } from "zod";

// ConfigResourceTypes.TOPIC: Node's ESM loader does not see that enum among kafkajs's
// named exports, so the value is written here.
const TOPIC_RESOURCE = 2 as ConfigResourceTypes;

const envSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .default("127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096")
    .transform((s) =>
      s
        .split(",")
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$/, "each broker must look like host:port")).min(1)),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .max(40)
    .default(""),
});

async function main(): Promise<number> {
  const topicArg = process.argv[2];
  if (!topicArg || !/^[a-zA-Z0-9._-]+$/.test(topicArg)) {
    console.error("usage: cluster-leaders.ts <topic>");
    return 2;
  }
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    console.error(`[cluster-leaders] invalid environment: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    return 1;
  }
  const topic = parsed.data.KAFKA_TOPIC_PREFIX + topicArg;
  // A dead node in the list is expected during a drill: kafkajs tries the next one.
  const admin = new Kafka({
    clientId: "storefront-cluster-leaders",
    brokers: parsed.data.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 3, initialRetryTime: 100 },
  }).admin();
  try {
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: TOPIC_RESOURCE, name: topic, configNames: ["min.insync.replicas"] }],
    });
    const minIsr = configs.resources[0]?.configEntries.find((c) => c.configName === "min.insync.replicas");
    const partitions = (meta.topics[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr }))
      .sort((a, b) => a.partition - b.partition);
    console.log(JSON.stringify({ at: new Date().toISOString(), topic, minInsyncReplicas: minIsr?.configValue, partitions }));
    return 0;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[cluster-leaders] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
