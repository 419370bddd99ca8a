import { afterAll, expect, it } from "vitest";
import type { KafkaMessage } from "kafkajs";
import { DEAD_LETTER_HEADERS } from "@/lib/infrastructure/kafka/kafka-consumer-runner";
import { confirmationCheck, faultWorld, progress, report, reservationCheck, waitReady } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
afterAll(async () => {
  await world?.close();
});

const PARTITIONS = 6;

it("fault 4: poison messages in order.created end in order.created.dlq with the error and their headers, and the orders behind them are processed", async () => {
  world = await faultWorld("poison");
  const { pool, kafka, prefix } = world;
  const topic = `${prefix}order.created`;
  const products = await world.products(4, 10_000);
  const shoppers = await world.shoppers(30, products);

  // Poison at the head of every partition: not JSON, JSON of the wrong shape,
  // and a well-formed envelope whose payload fails its schema.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const poisons = [
    Buffer.from("{not json"),
    Buffer.from(JSON.stringify({ hello: "world" })),
    Buffer.from(
      JSON.stringify({
        id: "3f1c1a52-8a53-4b0b-9b59-2a0c1c1d0e01",
        type: "order.created",
        version: 1,
        aggregateType: "order",
        aggregateId: "x",
        occurredAt: new Date().toISOString(),
        payload: { orderId: "not-a-uuid", totalMinor: -5 },
      }),
    ),
  ];
  const messages = [];
  for (let partition = 0; partition < PARTITIONS; partition++) {
    for (const [i, value] of poisons.entries()) messages.push({ partition, key: `poison-${i}`, value, headers: { "x-origin": `fault-test-${partition}-${i}` } });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.disconnect();

  // The orders go behind the poison on every partition.
  const orderIds = await world.placeOrders(shoppers);
  const started = Date.now();
  const worker = await world.startWorker("a");
  await waitReady(worker);

  await eventually(
    async () => {
      const p = await progress(pool, orderIds);
      return p.reserved === 30 && p.emails_sent === 30 ? true : undefined;
    },
    60_000,
    "every order reserved and confirmed",
  );
  const recoveredMs = Date.now() - started;
  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: 30, never: 0, more: 0 });
  expect(await confirmationCheck(pool, world.sink, shoppers)).toEqual({ messages: 30, transmissions: 30, inDoubt: 0, unexplained: [] });

  // Each group (inventory, notifications) gives up on each poison message once.
  const poisonCount = PARTITIONS * poisons.length;
  const { rows: dead } = await pool.query<{ consumer: string; n: number }>(
    `SELECT consumer, count(*)::int AS n FROM dead_letters WHERE topic = $1 GROUP BY 1 ORDER BY 1`,
    [topic],
  );
  expect(dead).toEqual([
    { consumer: `${prefix}storefront.inventory`, n: poisonCount },
    { consumer: `${prefix}storefront.notifications`, n: poisonCount },
  ]);

  const dlq: KafkaMessage[] = [];
  const tap = kafka.consumer({ groupId: `${prefix}dlq-reader` });
  await tap.connect();
  await tap.subscribe({ topic: `${topic}.dlq`, fromBeginning: true });
  await tap.run({ eachMessage: async ({ message }) => void dlq.push(message) });
  await eventually(async () => (dlq.length >= 2 * poisonCount ? true : undefined), 30_000, "dead-letter topic read");
  await tap.disconnect();
  // At-least-once to the topic (the table above is exactly once): same messages, possibly repeated.
  const byOrigin = new Map<string, { error: string; value: string }>();
  for (const m of dlq) {
    const origin = m.headers?.["x-origin"]?.toString();
    expect(origin, "the original headers travel with the dead letter").toMatch(/^fault-test-\d-\d$/);
    const error = m.headers?.[DEAD_LETTER_HEADERS.error]?.toString() ?? "";
    expect(error.length).toBeGreaterThan(0);
    expect(m.headers?.[DEAD_LETTER_HEADERS.topic]?.toString()).toBe(topic);
    byOrigin.set(`${origin}|${m.headers?.[DEAD_LETTER_HEADERS.group]?.toString()}`, { error, value: m.value?.toString() ?? "" });
  }
  expect(byOrigin.size).toBe(2 * poisonCount);
  expect([...byOrigin.entries()].filter(([k]) => k.endsWith("-0|" + `${prefix}storefront.inventory`)).every(([, v]) => v.value === "{not json")).toBe(true);

  report("4 poison message", {
    poisonMessages: poisonCount,
    ordersBehindThem: 30,
    reservedExactlyOnce: 30,
    confirmationEmails: 30,
    deadLetterRows: 2 * poisonCount,
    dlqTopicMessages: dlq.length,
    allProcessedAfterMs: recoveredMs,
  });
});
