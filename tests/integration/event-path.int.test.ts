import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Consumer, KafkaMessage } from "kafkajs";
import { createWorkerAdapters } from "@/lib/composition/worker";
import { startWorker, type RunningWorker } from "@/workers/worker";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, insertSimpleProduct, servicesFor, sqlPool, stockOf } from "../support/fixtures";
import { isolatedTopics } from "../support/kafka";
import { userCartOwner } from "@/lib/domain/cart";
import { SHIP_TO } from "../support/addresses";
import { testLogger } from "../support/logger";

const SINK = process.env.SMTP_SINK_HTTP_URL ?? "http://127.0.0.1:1080";

async function mailTo(address: string): Promise<{ subject: string; text: string }[]> {
  const res = await fetch(`${SINK}/messages?to=${encodeURIComponent(address)}`);
  if (!res.ok) throw new Error(`smtp sink answered ${res.status}`);
  return (await res.json()) as { subject: string; text: string }[];
}

let db: TestDatabase;
let pool: pg.Pool;
let topics: Awaited<ReturnType<typeof isolatedTopics>>;
let services: ReturnType<typeof servicesFor>;
let worker: RunningWorker;
let tap: Consumer;
const seen: { topic: string; message: KafkaMessage }[] = [];
const quiet = testLogger((level, text) => void (level === "error" && console.warn(text)));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  topics = await isolatedTopics();
  services = servicesFor(db.url, { KAFKA_TOPIC_PREFIX: topics.prefix, OUTBOX_POLL_MS: "50" });
  worker = await startWorker(services, createWorkerAdapters({ env: services.env, deadLetters: services.worker.deadLetters }, quiet), quiet);
  // A separate consumer group that records every message, to check keys and headers.
  tap = topics.kafka.consumer({ groupId: `${topics.prefix}tap` });
  await tap.connect();
  await tap.subscribe({ topics: [`${topics.prefix}order.created`, `${topics.prefix}inventory.updated`], fromBeginning: true });
  await tap.run({ eachMessage: async ({ topic, message }) => void seen.push({ topic, message }) });
});

afterAll(async () => {
  await tap?.disconnect();
  await worker?.stop();
  await services?.close();
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

describe("event path: outbox → relay → Kafka → worker", () => {
  it("sends a welcome email over SMTP when a shopper registers", async () => {
    const email = `welcome-${randomUUID().slice(0, 8)}@example.com`;
    await services.auth.registerUser({ email, name: "Wendy", password: "a-long-password" });
    const mails = await eventually(async () => {
      const m = await mailTo(email);
      return m.length > 0 ? m : undefined;
    }, 30_000, "welcome email");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ subject: "Welcome to the shop" });
    expect(mails[0]!.text).toContain("Hello Wendy");
  });

  it("reserves stock for a placed order, emails one confirmation, and keys every message by order id", async () => {
    const email = `buyer-${randomUUID().slice(0, 8)}@example.com`;
    const user = (await services.auth.registerUser({ email, name: "Bea", password: "a-long-password" }))!;
    const a = await insertProduct(pool, { stock: 5, priceMinor: 1500, name: "Event Lamp" });
    const b = await insertProduct(pool, { stock: 5, priceMinor: 250, name: "Event Mug" });
    await services.cart.addItem(userCartOwner(user.id), { productId: a, quantity: 2 });
    await services.cart.addItem(userCartOwner(user.id), { productId: b, quantity: 1 });
    const { order } = await services.orders.placeOrder({ userId: user.id, email, checkoutKey: randomUUID(), shipTo: SHIP_TO });

    await eventually(async () => ((await services.orders.getForUser(user.id, order.id)).status === "stock_reserved" ? true : undefined), 30_000, "stock_reserved");
    expect([await stockOf(pool, a), await stockOf(pool, b)]).toEqual([3, 4]);

    const confirmations = await eventually(async () => {
      const m = (await mailTo(email)).filter((x) => x.subject.startsWith("Order confirmation"));
      return m.length > 0 ? m : undefined;
    }, 30_000, "confirmation email");
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.text).toContain("2 × Event Lamp");
    expect(confirmations[0]!.text).toContain("Subtotal: $32.50\nShipping: $4.95\nTotal: $37.45");

    const messages = await eventually(async () => {
      const mine = seen.filter((s) => s.message.key?.toString() === order.id);
      return mine.length >= 2 ? mine : undefined;
    }, 30_000, "order.created and inventory.updated on the tap");
    const created = messages.find((m) => m.topic.endsWith("order.created"))!;
    expect(created.message.headers?.["event-type"]?.toString()).toBe("order.created");
    expect(created.message.headers?.["schema-version"]?.toString()).toBe("3");
    expect(JSON.parse(created.message.value!.toString())).toMatchObject({
      type: "order.created",
      payload: { orderId: order.id, subtotalMinor: 3250, shippingMinor: 495, totalMinor: 3745, shipTo: SHIP_TO },
    });
    expect(messages.some((m) => m.topic.endsWith("inventory.updated"))).toBe(true);

    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`);
    expect(rows[0].n).toBe(0);
  });

  it("through the real worker, reserves exactly as many orders as there is stock", async () => {
    const product = await insertProduct(pool, { stock: 5 });
    const buyers = [];
    for (let i = 0; i < 20; i++) {
      const email = `rush-${i}-${randomUUID().slice(0, 6)}@example.com`;
      const user = (await services.auth.registerUser({ email, name: `Rush ${i}`, password: "a-long-password" }))!;
      await services.cart.addItem(userCartOwner(user.id), { productId: product, quantity: 1 });
      buyers.push({ user, email });
    }
    const placed = await Promise.all(buyers.map((b) => services.orders.placeOrder({ userId: b.user.id, email: b.email, checkoutKey: randomUUID(), shipTo: SHIP_TO })));
    const ids = placed.map((p) => p.order.id);
    const counts = await eventually(async () => {
      const { rows } = await pool.query(
        `SELECT count(*) FILTER (WHERE status = 'stock_reserved')::int AS reserved,
                count(*) FILTER (WHERE status = 'cancelled' AND cancellation_reason = 'out_of_stock')::int AS rejected
         FROM orders WHERE id = ANY($1)`,
        [ids],
      );
      return rows[0].reserved + rows[0].rejected === 20 ? rows[0] : undefined;
    }, 60_000, "all 20 orders decided");
    expect(counts).toEqual({ reserved: 5, rejected: 15 });
    expect(await stockOf(pool, product)).toBe(0);
  });

  it("releases the stock of a reserved order the shopper cancels, once", async () => {
    const email = `cancel-${randomUUID().slice(0, 8)}@example.com`;
    const user = (await services.auth.registerUser({ email, name: "Cleo", password: "a-long-password" }))!;
    const { productId: product, variantId } = await insertSimpleProduct(pool, { stock: 4 });
    await services.cart.addItem(userCartOwner(user.id), { productId: product, quantity: 3 });
    const { order } = await services.orders.placeOrder({ userId: user.id, email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    await eventually(async () => ((await services.orders.getForUser(user.id, order.id)).status === "stock_reserved" ? true : undefined), 30_000, "stock_reserved");
    expect(await stockOf(pool, product)).toBe(1);

    const cancelled = await services.orders.cancelOrder({ userId: user.id, orderId: order.id });
    expect([cancelled.status, cancelled.cancellationReason]).toEqual(["cancelled", "customer_request"]);
    await eventually(async () => ((await stockOf(pool, product)) === 4 ? true : undefined), 30_000, "stock released");
    const release = await eventually(async () => {
      const m = seen.find((x) => x.topic.endsWith("inventory.updated") && x.message.key?.toString() === order.id && JSON.parse(x.message.value!.toString()).payload.reason === "release");
      return m;
    }, 30_000, "inventory.updated (release)");
    expect(JSON.parse(release.message.value!.toString()).payload.changes).toEqual([{ productId: product, variantId, delta: 3, stock: 4 }]);
    // Cancelling again changes nothing and emits nothing new.
    await services.orders.cancelOrder({ userId: user.id, orderId: order.id });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.cancelled' AND aggregate_id = $1`, [order.id]);
    expect(rows[0].n).toBe(1);
    expect(await stockOf(pool, product)).toBe(4);
  });
});
