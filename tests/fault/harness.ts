import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, appendFileSync } from "node:fs";
import path from "node:path";
import type pg from "pg";
import { expect } from "vitest";
import { ensureTopics, TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";
import { createKafka } from "@/lib/infrastructure/kafka/client";
import { createLogger } from "@/lib/infrastructure/observability/logger";
import { userCartOwner } from "@/lib/domain/cart";
import { startSmtpSink, sinkConfigSchema, type SmtpSink } from "@/scripts/smtp-sink/smtp-sink";
import { buildWorker } from "@/scripts/build-worker";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, insertUser, servicesFor, sqlPool } from "../support/fixtures";
import { SHIP_TO } from "../support/addresses";
import { FAULT_BROKER } from "./broker";

const ROOT = path.resolve(import.meta.dirname, "../..");
const REPORTS = path.join(ROOT, ".local/test-reports");

/** Figures a fault test measured (counts, recovery times), appended to .local/test-reports/fault-figures.jsonl and printed. */
export function report(test: string, figures: Record<string, number | string>): void {
  mkdirSync(REPORTS, { recursive: true });
  appendFileSync(path.join(REPORTS, "fault-figures.jsonl"), JSON.stringify({ test, ...figures }) + "\n");
  console.log(`[fault] ${test}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(" ")}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One fault scenario's world: its own database, topics under a unique prefix
 * on the fault broker, an SMTP sink in this process, and the shop's use cases
 * (the "web" side) over the same database. Workers are real processes
 * (workers/main.ts) started and killed by the test.
 */
export async function faultWorld(name: string, options: { sessionTimeoutMs?: number } = {}) {
  const db: TestDatabase = await createTestDatabase();
  const pool: pg.Pool = sqlPool(db.url);
  const prefix = `f-${name}-${randomUUID().slice(0, 6)}.`;
  const kafka = createKafka({ brokers: [FAULT_BROKER.address] }, `fault-${name}`, createLogger("fault-tests"));
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, { specs: TOPIC_SPECS, prefix, replicationFactor: 1 });
  await admin.disconnect();
  const sink: SmtpSink = await startSmtpSink(
    sinkConfigSchema.parse({ SMTP_SINK_PORT: "0", SMTP_SINK_HTTP_PORT: "0", SMTP_SINK_MAX_MESSAGES: "100000", SMTP_SINK_QUIET: "true" }),
  );
  const workerEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: "8",
    KAFKA_BROKERS: FAULT_BROKER.address,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs ?? 6_000),
    SMTP_URL: `smtp://127.0.0.1:${sink.smtpPort}`,
    WORKER_HTTP_PORT: "0",
    OUTBOX_POLL_MS: "1000",
    EMAIL_LEASE_SECONDS: "5",
    EMAIL_BACKOFF_MS: "200",
    // Nobody pays in these scenarios: reservations must not lapse meanwhile.
    RESERVATION_TTL_SECONDS: "3600",
    CATALOG_CACHE_TTL_SECONDS: "0",
    // Workers run with NODE_ENV=production, which needs the processor chosen explicitly
    // and three distinct secrets of 32+ bytes.
    PAYMENTS_PROVIDER: "fake",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    API_TOKEN_SECRET: randomBytes(32).toString("base64url"),
    REQUEST_FINGERPRINT_SECRET: randomBytes(32).toString("base64url"),
  };
  // The shop's side: places orders, writes the outbox. It never talks to Kafka.
  const shop = servicesFor(db.url, { ...workerEnv, DATABASE_POOL_SIZE: "12" });
  const workers = new Set<WorkerProcess>();

  return {
    db,
    pool,
    prefix,
    kafka,
    sink,
    shop,
    /** Starts a worker process; resolves once it logged that it runs (consumers joined later). */
    async startWorker(label: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
      const w = await spawnWorker(`${name}-${label}`, { ...workerEnv, ...env });
      workers.add(w);
      void w.exited.then(() => workers.delete(w));
      return w;
    },
    /** Products with plenty of stock, and `count` shoppers each with a cart of 1–2 lines. */
    async shoppers(count: number, products: string[]) {
      const list: { id: string; email: string }[] = [];
      for (let i = 0; i < count; i++) {
        const user = await insertUser(pool, `${name}-${i}-${randomUUID().slice(0, 6)}@example.com`);
        const lines = i % 2 === 0 ? [products[i % products.length]!] : [products[i % products.length]!, products[(i + 1) % products.length]!];
        for (const productId of lines) await shop.cart.addItem(userCartOwner(user.id), { productId, quantity: 1 + (i % 3) });
        list.push(user);
      }
      return list;
    },
    /** `count` products sold in one variant each, `stock` units of it; returns the products' ids (the cart finds their one variant). */
    async products(count: number, stock: number) {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push(await insertProduct(pool, { stock }));
      return ids;
    },
    /** Places one order per shopper, `parallel` at a time; every checkout must succeed. */
    async placeOrders(shoppers: { id: string; email: string }[], parallel = 8) {
      const orderIds: string[] = new Array(shoppers.length);
      let next = 0;
      await Promise.all(
        Array.from({ length: parallel }, async () => {
          while (next < shoppers.length) {
            const i = next++;
            const s = shoppers[i]!;
            const result = await shop.orders.placeOrder({ userId: s.id, email: s.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
            orderIds[i] = result.order.id;
          }
        }),
      );
      return orderIds;
    },
    async close() {
      for (const w of workers) w.kill("SIGKILL");
      await Promise.all([...workers].map((w) => w.exited));
      await shop.close();
      await sink.close();
      const a = kafka.admin();
      await a.connect().catch(() => undefined);
      await a.deleteTopics({ topics: TOPIC_SPECS.flatMap((s) => [prefix + s.topic, `${prefix}${s.topic}.dlq`]) }).catch(() => undefined);
      await a.disconnect().catch(() => undefined);
      await pool.end();
      await db.drop();
    },
  };
}

export interface WorkerProcess {
  readonly label: string;
  readonly pid: number;
  /** The health/metrics port it bound. */
  readonly httpPort: number;
  readonly exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): void;
  /** Lines it printed so far (stdout and stderr). */
  output(): string;
}

/** The worker bundled from the current sources, once per test file (a fraction of a second), into a path of the tests' own. */
const WORKER_BUNDLE = ".local/test-worker/main.mjs";
let bundled: Promise<void> | undefined;

/** Runs the worker as its own process, as production does (the bundle of npm run build), with its output in .local/test-reports. */
export async function spawnWorker(label: string, env: Record<string, string>): Promise<WorkerProcess> {
  mkdirSync(REPORTS, { recursive: true });
  await (bundled ??= buildWorker(WORKER_BUNDLE));
  const log = createWriteStream(path.join(REPORTS, `fault-worker-${label}.log`), { flags: "a" });
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", WORKER_BUNDLE], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    log.write(chunk);
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => (log.end(), resolve(code))));
  const port = await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker ${label} exited with ${child.exitCode}:\n${text}`);
      const m = /health and metrics on http:\/\/[^:]+:(\d+)\//.exec(text);
      return m ? Number(m[1]) : undefined;
    },
    60_000,
    `worker ${label} to start`,
  ).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  return {
    label,
    pid: child.pid!,
    httpPort: port,
    exited,
    kill: (signal) => void child.kill(signal),
    output: () => text,
  };
}

/** Reads one worker's Prometheus text: the sum of a metric's samples whose labels include `labels`. */
export async function metricSum(worker: WorkerProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${worker.httpPort}/metrics`);
  const body = await res.text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  let sum = 0;
  for (const line of body.split("\n")) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `))) continue;
    if (wanted.every((w) => line.includes(w))) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/**
 * Reservation ledger rows per order: an order is reserved exactly once when
 * it has one 'reservation' row per distinct variant it bought (the variant is
 * the unit of stock).
 */
export async function reservationCheck(pool: pg.Pool, orderIds: string[]) {
  const { rows } = await pool.query<{ order_id: string; rows: number; lines: number }>(
    `SELECT o.id AS order_id,
            (SELECT count(*)::int FROM stock_movements m WHERE m.order_id = o.id AND m.reason = 'reservation') AS rows,
            (SELECT count(DISTINCT l.variant_id)::int FROM order_items l WHERE l.order_id = o.id) AS lines
     FROM orders o WHERE o.id = ANY($1)`,
    [orderIds],
  );
  return {
    exactlyOnce: rows.filter((r) => r.rows === r.lines).length,
    never: rows.filter((r) => r.rows === 0).length,
    more: rows.filter((r) => r.rows > r.lines).length,
  };
}

/** Waits until the worker's readiness endpoint says every check passes (its consumers joined their groups). */
export async function waitReady(worker: WorkerProcess, timeoutMs = 60_000): Promise<void> {
  await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${worker.httpPort}/health/ready`);
      return res.status === 200 ? true : undefined;
    },
    timeoutMs,
    `worker ${worker.label} ready`,
    200,
  );
}

/** How many of the orders have each reached "reserved, confirmation sent, nothing left in the outbox". */
export async function progress(pool: pg.Pool, orderIds: string[]) {
  const { rows } = await pool.query<{ reserved: number; emails_sent: number; unsent: number }>(
    `SELECT
       (SELECT count(*)::int FROM orders WHERE id = ANY($1) AND status = 'stock_reserved') AS reserved,
       (SELECT count(*)::int FROM outgoing_emails WHERE kind = 'order_confirmation' AND status = 'sent') AS emails_sent,
       (SELECT count(*)::int FROM outbox_events WHERE sent_at IS NULL) AS unsent`,
    [orderIds],
  );
  return rows[0]!;
}

/** Outbox rows as the relay would publish them (for re-publishing on purpose). */
export async function outboxEvents(pool: pg.Pool, type: string): Promise<import("@/lib/domain/events").DomainEvent[]> {
  const { rows } = await pool.query(
    `SELECT id, type, schema_version, aggregate_type, aggregate_id, payload, created_at FROM outbox_events WHERE type = $1 ORDER BY seq`,
    [type],
  );
  return rows.map((r) => ({
    id: r.id,
    type: r.type,
    version: r.schema_version,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    occurredAt: r.created_at,
    payload: r.payload,
  }));
}

/**
 * Confirmation emails as the recipients got them, against what the shop queued:
 * - `messages`: shoppers who received exactly one confirmation message (one
 *   Message-ID, the one queued for their order) — the goal is all of them;
 * - `transmissions`: SMTP deliveries counted by the sink (one more than the
 *   messages whenever an in-doubt resend did reach the server);
 * - `inDoubt`: attempts begun after an attempt that recorded no outcome (a
 *   worker killed mid-send), the only way a message may be transmitted twice;
 * - `unexplained`: shoppers with no email, another Message-ID, two queued
 *   emails, or more copies than their email's in-doubt attempts allow. Must be 0.
 */
export async function confirmationCheck(pool: pg.Pool, sink: SmtpSink, shoppers: { email: string }[]) {
  const { rows } = await pool.query<{ recipient: string; message_id: string; in_doubt_attempts: number }>(
    `SELECT recipient, message_id, in_doubt_attempts FROM outgoing_emails WHERE kind = 'order_confirmation'`,
  );
  const queued = new Map<string, { message_id: string; in_doubt_attempts: number }[]>();
  for (const r of rows) queued.set(r.recipient, [...(queued.get(r.recipient) ?? []), r]);
  const received = new Map<string, (string | null)[]>();
  for (const m of sink.messages) {
    if (!m.subject.startsWith("Order confirmation")) continue;
    for (const to of m.to) received.set(to, [...(received.get(to) ?? []), m.messageId]);
  }
  let messages = 0;
  let transmissions = 0;
  let inDoubt = 0;
  const unexplained: string[] = [];
  for (const { email } of shoppers) {
    const mine = queued.get(email) ?? [];
    const got = received.get(email) ?? [];
    transmissions += got.length;
    const q = mine[0];
    inDoubt += q?.in_doubt_attempts ?? 0;
    const ok = mine.length === 1 && got.length >= 1 && got.every((id) => id === q!.message_id) && got.length - 1 <= q!.in_doubt_attempts;
    if (ok) messages++;
    else unexplained.push(`${email}: queued ${mine.length}, received ${got.length} (${got.join(", ")})`);
  }
  return { messages, transmissions, inDoubt, unexplained };
}

/**
 * After workers were killed: one confirmation message for every order, and a
 * message transmitted twice only where an in-doubt attempt explains it.
 */
export function expectOneConfirmationEach(emails: Awaited<ReturnType<typeof confirmationCheck>>, orders: number): void {
  expect(emails.unexplained).toEqual([]);
  expect(emails.messages).toBe(orders);
  expect(emails.transmissions - orders).toBeLessThanOrEqual(emails.inDoubt);
}
