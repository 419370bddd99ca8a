/**
 * Waits (bounded) until a Kafka cluster has an active controller and the expected number
 * of brokers registered and unfenced. Used by scripts/kafka/cluster.sh start: a node that
 * accepts connections may still be waiting for its quorum.
 *
 *   KAFKA_BROKERS=127.0.0.1:29092,127.0.0.1:29094,127.0.0.1:29096 node --import tsx scripts/kafka/cluster-ready.ts
 *
 * Env:
 *   KAFKA_BROKERS           comma separated host:port list (required)
 *   KAFKA_EXPECT_BROKERS    how many brokers must be registered (default 3)
 *   KAFKA_READY_TIMEOUT_MS  how long to wait (default 90000)
 *
 * Exit code 0 when ready, 1 otherwise.
 */
import { Kafka, logLevel } from "kafkajs";
import { z } from "zod";

const envSchema = z.object({
  KAFKA_BROKERS: z
    .string()
    .transform((s) =>
      s
        .split(",")
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[A-Za-z0-9._-]+:\d{1,5}$/, "each broker must look like host:port")).min(1)),
  KAFKA_EXPECT_BROKERS: z.coerce.number().int().min(1).default(3),
  KAFKA_READY_TIMEOUT_MS: z.coerce.number().int().positive().default(90_000),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const raw = Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    console.error(`[cluster-ready] invalid environment:\n${issues}`);
    return 1;
  }
  const env = parsed.data;
  // Refused connections are expected while the nodes come up: kafkajs stays quiet.
  const kafka = new Kafka({
    clientId: "storefront-cluster-ready",
    brokers: env.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const started = Date.now();
  const deadline = started + env.KAFKA_READY_TIMEOUT_MS;
  let last = "no answer yet";
  for (;;) {
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const { brokers, controller } = await admin.describeCluster();
      if (controller !== null && controller >= 0 && brokers.length >= env.KAFKA_EXPECT_BROKERS) {
        const ids = brokers.map((b) => b.nodeId).sort((a, b) => a - b);
        console.log(
          `[cluster-ready] controller ${controller}, brokers ${ids.join(",")} after ` +
            `${((Date.now() - started) / 1000).toFixed(1)}s`,
        );
        return 0;
      }
      last = `controller ${controller}, ${brokers.length} of ${env.KAFKA_EXPECT_BROKERS} brokers`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (Date.now() >= deadline) {
      console.error(
        `[cluster-ready] not ready within ${Math.round(env.KAFKA_READY_TIMEOUT_MS / 1000)}s; last: ${last}`,
      );
      return 1;
    }
    await sleep(300);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[cluster-ready] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
