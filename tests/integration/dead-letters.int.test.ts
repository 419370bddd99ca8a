import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Consumer, KafkaMessage, Producer } from "kafkajs";
import { createWorkerAdapters } from "@/lib/composition/worker";
import { userCartOwner } from "@/lib/domain/cart";
import { DEAD_LETTER_HEADERS } from "@/lib/infrastructure/kafka/kafka-consumer-runner";
import { TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";
import { startWorker, type RunningWorker } from "@/workers/worker";
import { SHIP_TO } from "../support/addresses";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, servicesFor, sqlPool, stockOf } from "../support/fixtures";
import { isolatedTopics } from "../support/kafka";
import { testLogger } from "../support/logger";

/**
 * Poison messages on order.created, through the real worker and broker: each
 * consumer group publishes them to order.created.dlq (value, key and headers as
 * they were, plus why and where from), records them in dead_letters, commits
 * past them, and goes on with the valid order queued behind them.
 */

let db: TestDatabase;
let pool: pg.Pool;
let topics: Awaited<ReturnType<typeof isolatedTopics>>;
let services: ReturnType<typeof servicesFor>;
let worker: RunningWorker;
let producer: Producer;
let tap: Consumer;
const dlq: { partition: number; message: KafkaMessage }[] = [];
const logged: string[] = [];
const log = testLogger((level, text) => void (level === "error" && logged.push(text)));

const PARTITIONS = TOPIC_SPECS.find((s) => s.topic === "order.created")!.numPartitions;
const GROUPS = ["storefront.inventory", "storefront.notifications"];
const WRONG_SCHEMA_ID = randomUUID();

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  topics = await isolatedTopics();
  services = servicesFor(db.url, { KAFKA_TOPIC_PREFIX: topics.prefix, OUTBOX_POLL_MS: "50" });
  tap = topics.kafka.consumer({ groupId: `${topics.prefix}dlq-tap` });
  await tap.connect();
  await tap.subscribe({ topic: `${topics.prefix}order.created.dlq`, fromBeginning: true });
  await tap.run({ eachMessage: async ({ partition, message }) => void dlq.push({ partition, message }) });
  // Idempotent, like the relay: a send retried under load must not put a poison message on the topic twice.
  producer = topics.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  worker = await startWorker(services, createWorkerAdapters({ env: services.env, deadLetters: services.worker.deadLetters }, log), log);
});

afterAll(async () => {
  await tap?.disconnect();
  await producer?.disconnect();
  await worker?.stop();
  await services?.close();
  // Drops the dead-letter topics too.
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

interface DeadLetterRow {
  topic: string;
  partition: number;
  offset: string;
  consumer: string;
  event_id: string | null;
  error: string;
  headers: Record<string, string>;
  payload: string;
}

describe("dead letters", () => {
  it("dead-letters unreadable order.created messages and still processes the valid order behind them", async () => {
    const topic = `${topics.prefix}order.created`;
    // Not JSON, on every partition: whichever partition the real order lands on, poison comes first.
    await producer.send({
      topic,
      messages: Array.from({ length: PARTITIONS }, (_, partition) => ({
        partition,
        key: `poison-${partition}`,
        value: `not json {${partition}`,
        headers: { "event-id": `bogus-${partition}`, trace: `trace-${partition}` },
      })),
    });
    // JSON in the envelope's shape, but the payload breaks order.created's schema.
    await producer.send({
      topic,
      messages: [
        {
          partition: 0,
          key: "wrong-schema",
          value: JSON.stringify({
            id: WRONG_SCHEMA_ID,
            type: "order.created",
            version: 2,
            aggregateType: "order",
            aggregateId: "wrong-schema",
            occurredAt: new Date().toISOString(),
            payload: { orderId: "not-a-uuid" },
          }),
        },
      ],
    });

    // A real order, through the outbox and the relay.
    const email = `dlq-${randomUUID().slice(0, 8)}@example.com`;
    const user = (await services.auth.registerUser({ email, name: "Dee", password: "a-long-password" }))!;
    const product = await insertProduct(pool, { stock: 5 });
    await services.cart.addItem(userCartOwner(user.id), { productId: product, quantity: 2 });
    const { order } = await services.orders.placeOrder({ userId: user.id, email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    await eventually(
      async () => ((await services.orders.getForUser(user.id, order.id)).status === "stock_reserved" ? true : undefined),
      60_000,
      "the valid order reserved",
    );
    expect(await stockOf(pool, product)).toBe(3);

    // Recorded once per consumer group that gave up on it.
    const rows = await eventually(async () => {
      const { rows } = await pool.query<DeadLetterRow>(`SELECT * FROM dead_letters ORDER BY consumer, partition, "offset"::bigint`);
      return rows.length >= GROUPS.length * (PARTITIONS + 1) ? rows : undefined;
    }, 60_000, "dead_letters rows");
    expect(rows).toHaveLength(GROUPS.length * (PARTITIONS + 1));
    expect([...new Set(rows.map((r) => r.consumer))].sort()).toEqual(GROUPS.map((g) => topics.prefix + g).sort());
    expect(rows.every((r) => r.topic === topic)).toBe(true);

    const inventory = rows.filter((r) => r.consumer === `${topics.prefix}${GROUPS[0]}`);
    const notJson = inventory.find((r) => r.payload === "not json {3")!;
    expect(notJson).toMatchObject({ partition: 3, event_id: "bogus-3", headers: { "event-id": "bogus-3", trace: "trace-3" } });
    expect(notJson.error).toMatch(/SyntaxError/);
    const wrongSchema = inventory.find((r) => r.event_id === WRONG_SCHEMA_ID)!;
    expect(wrongSchema.partition).toBe(0);
    expect(wrongSchema.error).toMatch(/orderId|invalid/i);
    expect(JSON.parse(wrongSchema.payload)).toMatchObject({ id: WRONG_SCHEMA_ID, payload: { orderId: "not-a-uuid" } });

    // On the dead-letter topic: the original key, value and headers, plus why and where from.
    // Publishing is at-least-once (a redelivery during a rebalance publishes again), so
    // count distinct messages: one per group and original message.
    const origin = (m: KafkaMessage) =>
      [DEAD_LETTER_HEADERS.group, DEAD_LETTER_HEADERS.partition, DEAD_LETTER_HEADERS.offset].map((h) => m.headers?.[h]?.toString()).join("/");
    const published = await eventually(
      async () => (new Set(dlq.map((p) => origin(p.message))).size >= rows.length ? dlq : undefined),
      60_000,
      "messages on order.created.dlq",
    );
    expect(new Set(published.map((p) => origin(p.message))).size).toBe(rows.length);
    const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
    const copy = published.find(
      (p) => p.message.value?.toString() === "not json {3" && header(p.message, DEAD_LETTER_HEADERS.group) === `${topics.prefix}${GROUPS[0]}`,
    )!.message;
    expect(copy.key?.toString()).toBe("poison-3");
    expect(header(copy, "trace")).toBe("trace-3");
    expect(header(copy, "event-id")).toBe("bogus-3");
    expect(header(copy, DEAD_LETTER_HEADERS.topic)).toBe(topic);
    expect(header(copy, DEAD_LETTER_HEADERS.partition)).toBe("3");
    expect(header(copy, DEAD_LETTER_HEADERS.offset)).toBe(notJson.offset);
    expect(header(copy, DEAD_LETTER_HEADERS.error)).toMatch(/SyntaxError/);
    expect(new Set(published.filter((p) => header(p.message, DEAD_LETTER_HEADERS.error)?.match(/orderId|invalid/i)).map((p) => origin(p.message))).size).toBe(
      GROUPS.length,
    );

    // Every group committed past everything on the topic: nothing is waiting to be redelivered.
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      for (const group of GROUPS) {
        await eventually(async () => {
          const [committed] = await admin.fetchOffsets({ groupId: topics.prefix + group, topics: [topic] });
          const behind = ends.filter((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset !== e.high);
          return behind.length === 0 ? true : undefined;
        }, 30_000, `${group} committed to the end`);
      }
    } finally {
      await admin.disconnect();
    }
    expect(logged.filter((m) => m.includes("dead-lettering unreadable message")).length).toBeGreaterThanOrEqual(rows.length);
  });

  it("dead-letters a readable event whose handler still fails after its attempts, and the partition moves on", async () => {
    // A rule the handler cannot get past, standing in for the bug or bad data no retry fixes.
    await pool.query(`CREATE FUNCTION refuse_doomed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.recipient LIKE 'doomed-%' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER refuse_doomed BEFORE INSERT ON outgoing_emails FOR EACH ROW EXECUTE FUNCTION refuse_doomed()`);
    const tag = randomUUID().slice(0, 8);
    const doomed = (await services.auth.registerUser({ email: `doomed-${tag}@example.com`, name: "Doomed", password: "a-long-password" }))!;
    const fine = (await services.auth.registerUser({ email: `fine-${tag}@example.com`, name: "Fine", password: "a-long-password" }))!;
    const topic = `${topics.prefix}user.registered`;
    const { rows: events } = await pool.query<{ id: string }>(
      `SELECT id FROM outbox_events WHERE type = 'user.registered' AND aggregate_id = $1`,
      [doomed.id],
    );

    const [row] = await eventually(async () => {
      const { rows } = await pool.query<DeadLetterRow>(`SELECT * FROM dead_letters WHERE topic = $1`, [topic]);
      return rows.length > 0 ? rows : undefined;
    }, 60_000, "the failing event dead-lettered");
    expect(row).toMatchObject({ consumer: `${topics.prefix}storefront.notifications`, event_id: events[0]!.id });
    expect(row!.error).toMatch(/failed 5 times[\s\S]*refused for the test/);
    expect(logged.some((m) => m.includes(`event ${events[0]!.id} failed 5 times, dead-lettering it`))).toBe(true);

    // The other shopper's welcome went out, and the group committed past both events.
    await eventually(async () => {
      const { rows } = await pool.query(`SELECT 1 FROM outgoing_emails WHERE recipient = $1 AND status = 'sent'`, [fine.email]);
      return rows.length === 1 ? true : undefined;
    }, 60_000, "the next welcome email sent");
    const { rows: doomedEmails } = await pool.query(`SELECT 1 FROM outgoing_emails WHERE recipient = $1`, [doomed.email]);
    expect(doomedEmails).toEqual([]);
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await eventually(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${topics.prefix}storefront.notifications`, topics: [topic] });
        // Partitions that ever held a message (the others have nothing to commit).
        const used = ends.filter((e) => e.high !== "0");
        expect(used.length).toBeGreaterThan(0);
        return used.every((e) => committed!.partitions.find((p) => p.partition === e.partition)?.offset === e.high) ? true : undefined;
      }, 30_000, "notifications committed to the end of user.registered");
    } finally {
      await admin.disconnect();
    }
  });
});
