import { afterAll, expect, it } from "vitest";
import { encodeEvent } from "@/lib/infrastructure/kafka/envelope";
import { confirmationCheck, faultWorld, metricSum, outboxEvents, progress, report, reservationCheck, waitReady } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
afterAll(async () => {
  await world?.close();
});

it("fault 3: every event published three times (the relay's copy and two on purpose) has one effect", async () => {
  world = await faultWorld("dup");
  const { pool, kafka, prefix } = world;
  const products = await world.products(4, 1_000);
  const shoppers = await world.shoppers(20, products);
  const orderIds = await world.placeOrders(shoppers);

  // Before any worker runs: publish every order.created twice ourselves. The
  // worker's relay then publishes each a third time.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const created = await outboxEvents(pool, "order.created");
  expect(created).toHaveLength(20);
  for (let copy = 0; copy < 2; copy++) {
    await producer.send({ topic: `${prefix}order.created`, acks: -1, messages: created.map(encodeEvent) });
  }
  const started = Date.now();
  const worker = await world.startWorker("a");
  await waitReady(worker);
  const inventory = `${prefix}storefront.inventory`;
  await eventually(
    async () =>
      (await metricSum(worker, "storefront_worker_events_processed_total")) >= 120 && (await progress(pool, orderIds)).emails_sent === 20 ? true : undefined,
    60_000,
    "60 order.created deliveries handled by both groups",
  );
  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: 20, never: 0, more: 0 });
  // Stock per variant, the unit of stock (each of these products is sold in one).
  const variantStock = async () =>
    (await pool.query<{ id: string; stock: number }>(`SELECT id, stock FROM product_variants WHERE product_id = ANY($1) ORDER BY id`, [products])).rows;
  const stockAfterReserve = await variantStock();
  expect(stockAfterReserve).toHaveLength(products.length);

  // Cancel half of them; publish each cancellation twice more.
  const cancelled = orderIds.filter((_, i) => i % 2 === 0);
  for (const [i, id] of orderIds.entries()) if (i % 2 === 0) await world.shop.orders.cancelOrder({ userId: shoppers[i]!.id, orderId: id });
  const cancellations = await outboxEvents(pool, "order.cancelled");
  expect(cancellations).toHaveLength(10);
  for (let copy = 0; copy < 2; copy++) {
    await producer.send({ topic: `${prefix}order.cancelled`, acks: -1, messages: cancellations.map(encodeEvent) });
  }
  await producer.disconnect();
  await eventually(
    async () =>
      (await metricSum(worker, "storefront_worker_events_processed_total", { group: inventory, topic: "order.cancelled" })) >= 30 ? true : undefined,
    60_000,
    "30 order.cancelled deliveries handled",
  );
  const elapsedMs = Date.now() - started;

  // Released exactly once each: stock back by exactly the cancelled quantities.
  const { rows: releases } = await pool.query<{ order_id: string; n: number }>(
    `SELECT order_id, count(*)::int AS n FROM stock_movements WHERE reason = 'release' GROUP BY 1`,
  );
  const { rows: lines } = await pool.query<{ order_id: string; n: number }>(
    `SELECT order_id, count(*)::int AS n FROM order_items WHERE order_id = ANY($1) GROUP BY 1`,
    [cancelled],
  );
  expect(new Map(releases.map((r) => [r.order_id, r.n]))).toEqual(new Map(lines.map((r) => [r.order_id, r.n])));
  const { rows: expected } = await pool.query<{ id: string; stock: number }>(
    `SELECT v.id, (1000 - COALESCE((SELECT sum(i.quantity) FROM order_items i WHERE i.variant_id = v.id AND NOT (i.order_id = ANY($2))), 0))::int AS stock
     FROM product_variants v WHERE v.product_id = ANY($1) ORDER BY v.id`,
    [products, cancelled],
  );
  const actual = await variantStock();
  expect(actual).toEqual(expected);
  expect(actual).not.toEqual(stockAfterReserve);
  const emails = await confirmationCheck(pool, world.sink, shoppers);
  expect(emails).toEqual({ messages: 20, transmissions: 20, inDoubt: 0, unexplained: [] });
  const { rows: queued } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outgoing_emails`);
  expect(queued[0]!.n).toBe(20);

  report("3 duplicate delivery", {
    orders: 20,
    orderCreatedDeliveries: 60,
    cancellations: 10,
    orderCancelledDeliveries: 30,
    reservedExactlyOnce: 20,
    releasedExactlyOnce: 10,
    confirmationEmails: emails.transmissions,
    settledMs: elapsedMs,
  });
});
