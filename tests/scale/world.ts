/**
 * The scale drill's world: the shop as the README's scale section runs it, on
 * this machine. Three Kafka brokers (scripts/kafka/cluster.sh), two web
 * instances (`next start`, the build of `npm run build`) behind nginx
 * (scripts/nginx/lb.sh), two workers with every role, one database, Redis and a
 * real SMTP server (the sink, in this process). Everything started here is
 * stopped here, by pid.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { Admin } from "kafkajs";
import type pg from "pg";
import { createKafka } from "@/lib/infrastructure/kafka/client";
import { ensureTopics, TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";
import { createLogger } from "@/lib/infrastructure/observability/logger";
import { Argon2PasswordHasher } from "@/lib/infrastructure/security/argon2-password-hasher";
import { startSmtpSink, sinkConfigSchema, type SmtpSink } from "@/scripts/smtp-sink/smtp-sink";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, sqlPool } from "../support/fixtures";
import { spawnWorker, type WorkerProcess } from "../fault/harness";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const REPORTS = path.join(ROOT, ".local/test-reports");

/** Ports of the drill (all loopback); the cluster's are cluster.sh's defaults. */
export const SCALE = {
  lbPort: Number(process.env.SCALE_LB_PORT ?? 3200),
  webPorts: [Number(process.env.SCALE_WEB_PORT ?? 3201), Number(process.env.SCALE_WEB_PORT ?? 3201) + 1] as const,
  clusterBasePort: Number(process.env.KAFKA_CLUSTER_BASE_PORT ?? 29092),
  get brokers(): string[] {
    return [0, 2, 4].map((d) => `127.0.0.1:${this.clusterBasePort + d}`);
  },
  /** Broker node id → its client port (cluster.sh: node N listens on base + 2(N-1)). */
  brokerPort(nodeId: number): number {
    return this.clusterBasePort + 2 * (nodeId - 1);
  },
};

async function script(file: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run("bash", [path.join(ROOT, file), ...args], { cwd: ROOT, env: { ...process.env, ...env }, timeout: 240_000 });
  return stdout;
}

export const cluster = {
  start: () => script("scripts/kafka/cluster.sh", ["start"]),
  stop: () => script("scripts/kafka/cluster.sh", ["stop"]),
  /** SIGKILL, by the pid cluster.sh recorded. */
  kill: (nodeId: number) => script("scripts/kafka/cluster.sh", ["kill-node", String(nodeId)]),
  startNode: (nodeId: number) => script("scripts/kafka/cluster.sh", ["start-node", String(nodeId)]),
};

export const balancer = {
  start: () =>
    script("scripts/nginx/lb.sh", ["start"], {
      LB_PORT: String(SCALE.lbPort),
      LB_UPSTREAMS: SCALE.webPorts.map((p) => `127.0.0.1:${p}`).join(","),
    }),
  stop: () => script("scripts/nginx/lb.sh", ["stop"]),
};

export interface WebProcess {
  readonly port: number;
  readonly pid: number;
  readonly exited: Promise<number | null>;
  /** Signals the instance's whole process group (`next start` and anything it forked). */
  kill(signal: NodeJS.Signals): void;
}

/** `next start` on a port, in its own process group, with the build `npm run build` made. */
async function spawnWeb(port: number, env: Record<string, string>, label: string): Promise<WebProcess> {
  mkdirSync(REPORTS, { recursive: true });
  const log = createWriteStream(path.join(REPORTS, `scale-web-${label}.log`), { flags: "a" });
  const child: ChildProcess = spawn(
    process.execPath,
    ["--max-old-space-size=192", "--max-semi-space-size=16", "node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)],
    { cwd: ROOT, env: { ...process.env, ...env, NODE_ENV: "production" }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (log.end(), resolve(code))));
  const web: WebProcess = {
    port,
    pid: child.pid!,
    exited,
    kill: (signal) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`web ${label} exited with ${child.exitCode}; see .local/test-reports/scale-web-${label}.log`);
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => null);
      return res?.ok ? true : undefined;
    },
    60_000,
    `web ${label} on ${port}`,
    100,
  ).catch((error: unknown) => {
    web.kill("SIGKILL");
    throw error;
  });
  return web;
}

const secret = () => randomBytes(32).toString("base64url");

/** The drill's shoppers all sign in with this password (hashed once: argon2 is deliberately slow). */
export const SHOPPER_PASSWORD = `scale-${randomUUID()}`;

export async function scaleWorld() {
  const db: TestDatabase = await createTestDatabase();
  const pool: pg.Pool = sqlPool(db.url);
  const runId = randomUUID().slice(0, 6);
  const prefix = `scale-${runId}.`;
  await cluster.start();
  const kafka = createKafka({ brokers: SCALE.brokers }, "scale-drill", createLogger("scale-drill", { level: "silent" }), { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 });
  const admin: Admin = kafka.admin();
  await admin.connect();
  // Replication 3 with min.insync.replicas 2: an acknowledged event is on two brokers at least.
  await ensureTopics(admin, { specs: TOPIC_SPECS, prefix, replicationFactor: 3, minInsyncReplicas: 2 });
  const sink: SmtpSink = await startSmtpSink(
    sinkConfigSchema.parse({ SMTP_SINK_PORT: "0", SMTP_SINK_HTTP_PORT: "0", SMTP_SINK_MAX_MESSAGES: "100000", SMTP_SINK_QUIET: "true" }),
  );
  const shared: Record<string, string> = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: SCALE.brokers.join(","),
    KAFKA_TOPIC_PREFIX: prefix,
    REDIS_KEY_PREFIX: `${prefix}`,
    SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`,
    APP_URL: `http://127.0.0.1:${SCALE.lbPort}`,
    PAYMENTS_PROVIDER: "fake",
    AUTH_SECRET: secret(),
    API_TOKEN_SECRET: secret(),
    REQUEST_FINGERPRINT_SECRET: secret(),
    AUTH_TRUST_HOST: "true",
    // Two proxies in front of the shop: the drill's shoppers arrive as if through a CDN that names
    // each one in X-Forwarded-For, then through nginx, which appends the CDN's (the drill's) address.
    TRUSTED_PROXY_HOPS: "2",
    // Nobody pays in the drill: reservations must not lapse meanwhile.
    RESERVATION_TTL_SECONDS: "3600",
    // An email claimed by a killed worker is taken over after this lease (README: the cost of a worker's death).
    EMAIL_LEASE_SECONDS: "10",
    EMAIL_BACKOFF_MS: "200",
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: "",
    LOG_FORMAT: "json",
  };
  const webEnv = { ...shared, DATABASE_POOL_SIZE: "10" };
  const workerEnv = { ...shared, DATABASE_POOL_SIZE: "8", WORKER_HTTP_PORT: "0" };

  const webs: (WebProcess | null)[] = [null, null];
  const workers: (WorkerProcess | null)[] = [null, null];
  let lbStarted = false;
  let shopperCount = 0;

  const world = {
    db,
    pool,
    prefix,
    kafka,
    admin,
    sink,
    webs,
    workers,
    lb: `http://127.0.0.1:${SCALE.lbPort}`,
    async startWeb(i: 0 | 1, label = String(i + 1)): Promise<WebProcess> {
      const web = await spawnWeb(SCALE.webPorts[i], webEnv, label);
      webs[i] = web;
      return web;
    },
    async startWorker(i: 0 | 1, label = String(i + 1)): Promise<WorkerProcess> {
      const worker = await spawnWorker(`scale-${label}`, workerEnv);
      workers[i] = worker;
      return worker;
    },
    async startBalancer(): Promise<void> {
      await balancer.start();
      lbStarted = true;
    },
    /** `count` new products sold in one variant each, `stock` units of it; returns the products' ids (the cart finds their one variant). */
    async products(count: number, stock: number, priceMinor = 1_500): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await insertProduct(pool, { stock, priceMinor }));
      return ids;
    },
    /** `count` shoppers who can sign in with SHOPPER_PASSWORD. */
    async shoppers(count: number): Promise<{ id: string; email: string }[]> {
      const hash = await new Argon2PasswordHasher().hash(SHOPPER_PASSWORD);
      const list = Array.from({ length: count }, () => ({ id: randomUUID(), email: `scale-${runId}-${shopperCount++}@example.com` }));
      await pool.query(
        `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
         SELECT id, email, 'Scale shopper', $3, 'customer', now(), now() FROM unnest($1::uuid[], $2::text[]) AS u(id, email)`,
        [list.map((s) => s.id), list.map((s) => s.email), hash],
      );
      return list;
    },
    async close(): Promise<void> {
      for (const w of workers) w?.kill("SIGKILL");
      for (const w of webs) w?.kill("SIGKILL");
      await Promise.all([...workers.map((w) => w?.exited), ...webs.map((w) => w?.exited)]);
      if (lbStarted) await balancer.stop().catch((e: unknown) => console.error("lb stop:", e));
      await admin.deleteTopics({ topics: TOPIC_SPECS.flatMap((s) => [prefix + s.topic, `${prefix}${s.topic}.dlq`]) }).catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
      await cluster.stop().catch((e: unknown) => console.error("cluster stop:", e));
      await sink.close();
      await pool.end();
      await db.drop();
    },
  };
  return world;
}

export type ScaleWorld = Awaited<ReturnType<typeof scaleWorld>>;
