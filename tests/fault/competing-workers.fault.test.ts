import { afterAll, expect, it } from "vitest";
import type { Consumer } from "kafkajs";
import { confirmationCheck, expectOneConfirmationEach, faultWorld, reservationCheck, report, sleep, waitReady } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
let tap: Consumer | undefined;
afterAll(async () => {
  await tap?.disconnect();
  await world?.close();
});

const ORDERS = 300;

it("fault 5: two workers, each with a relay, one SIGKILLed halfway: nothing lost, nothing applied twice, each order's events in order", async () => {
  world = await faultWorld("pair");
  const { pool, kafka, prefix } = world;
  const products = await world.products(10, 100_000);
  const shoppers = await world.shoppers(ORDERS, products);

  // Records inventory.updated as Kafka delivers it: per order (the key),
  // the reservation must come before the release.
  const seen: { key: string; id: string; reason: string }[] = [];
  tap = kafka.consumer({ groupId: `${prefix}tap` });
  await tap.connect();
  await tap.subscribe({ topic: `${prefix}inventory.updated`, fromBeginning: true });
  await tap.run({
    eachMessage: async ({ message }) => {
      const body = JSON.parse(message.value!.toString()) as { id: string; payload: { reason: string } };
      seen.push({ key: message.key!.toString(), id: body.id, reason: body.payload.reason });
    },
  });

  const a = await world.startWorker("a");
  const b = await world.startWorker("b");
  await Promise.all([waitReady(a), waitReady(b)]);

  const started = Date.now();
  const placing = world.placeOrders(shoppers, 6);
  // Shoppers cancel every third order as soon as it is reserved: each such
  // order then has two events that must apply in order (reserve, release).
  const cancelled = new Set<string>();
  let stopCancelling = false;
  const canceller = (async () => {
    while (!stopCancelling) {
      const { rows } = await pool.query<{ id: string; user_id: string }>(
        `SELECT o.id, o.user_id FROM orders o WHERE o.status = 'stock_reserved'`,
      );
      for (const r of rows) {
        const index = shoppers.findIndex((s) => s.id === r.user_id);
        if (index % 3 === 0 && !cancelled.has(r.id)) {
          cancelled.add(r.id);
          await world!.shop.orders.cancelOrder({ userId: r.user_id, orderId: r.id });
        }
      }
      await sleep(50);
    }
  })();

  await eventually(
    async () => {
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE status IN ('stock_reserved', 'cancelled')`);
    return rows[0]!.n >= ORDERS / 2 ? true : undefined;
  },
    180_000,
    "half the orders reserved",
    20,
  );
  a.kill("SIGKILL");
  const killedAt = Date.now();
  await a.exited;

  const orderIds = await placing;
  const expectedCancelled = shoppers.filter((_, i) => i % 3 === 0).length;
  await eventually(
    async () => {
      const { rows } = await pool.query<{ reserved: number; cancelled: number; released: number; unsent: number; sent: number }>(
        `SELECT
           (SELECT count(*)::int FROM orders WHERE status = 'stock_reserved') AS reserved,
           (SELECT count(*)::int FROM orders WHERE status = 'cancelled') AS cancelled,
           (SELECT count(DISTINCT order_id)::int FROM stock_movements WHERE reason = 'release') AS released,
           (SELECT count(*)::int FROM outbox_events WHERE sent_at IS NULL) AS unsent,
           (SELECT count(*)::int FROM outgoing_emails WHERE status = 'sent' AND kind = 'order_confirmation') AS sent`,
      );
      const p = rows[0]!;
      return p.reserved === ORDERS - expectedCancelled && p.cancelled === expectedCancelled && p.released === expectedCancelled && p.unsent === 0 && p.sent === ORDERS
        ? p
        : undefined;
    },
    240_000,
    "every order settled",
    200,
  );
  stopCancelling = true;
  await canceller;
  const settledAfterKillMs = Date.now() - killedAt;

  // No loss and no double effect.
  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: ORDERS, never: 0, more: 0 });
  const { rows: releases } = await pool.query<{ order_id: string; n: number; lines: number }>(
    `SELECT m.order_id, count(*)::int AS n, (SELECT count(*)::int FROM order_items i WHERE i.order_id = m.order_id) AS lines
     FROM stock_movements m WHERE m.reason = 'release' GROUP BY m.order_id`,
  );
  expect(releases).toHaveLength(expectedCancelled);
  expect(releases.every((r) => r.n === r.lines)).toBe(true);
  // Per variant, the unit of stock (each of these products is sold in one).
  const { rows: stock } = await pool.query<{ ok: boolean; variants: number }>(
    `SELECT bool_and(v.stock = 100000 - COALESCE((SELECT sum(i.quantity) FROM order_items i JOIN orders o ON o.id = i.order_id
                                                   WHERE i.variant_id = v.id AND o.status <> 'cancelled'), 0)) AS ok,
            count(*)::int AS variants
     FROM product_variants v WHERE v.product_id = ANY($1)`,
    [products],
  );
  expect(stock[0]).toEqual({ ok: true, variants: products.length });
  // One confirmation message per order; a second transmission of it only after an in-doubt attempt (see fault 2).
  const emails = await confirmationCheck(pool, world.sink, shoppers);
  expectOneConfirmationEach(emails, ORDERS);

  // In order, as applied: each cancelled order's reservation rows precede its release rows in the ledger.
  const { rows: outOfOrder } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM stock_movements r JOIN stock_movements x ON x.order_id = r.order_id AND x.variant_id = r.variant_id
     WHERE r.reason = 'reservation' AND x.reason = 'release' AND x.id < r.id`,
  );
  expect(outOfOrder[0]!.n).toBe(0);
  // In order, as published: on the topic, each order's reservation event comes before its release event.
  await eventually(async () => (new Set(seen.map((s) => s.id)).size >= ORDERS + expectedCancelled ? true : undefined), 60_000, "the tap to see every inventory event");
  const firstSeen = new Map<string, string[]>();
  const ids = new Set<string>();
  for (const s of seen) {
    if (ids.has(s.id)) continue; // a republished copy (at-least-once publishing); its first copy counts
    ids.add(s.id);
    firstSeen.set(s.key, [...(firstSeen.get(s.key) ?? []), s.reason]);
  }
  const wrongOrder = [...firstSeen.values()].filter((reasons) => reasons.join(",") !== "reservation" && reasons.join(",") !== "reservation,release");
  expect(wrongOrder).toEqual([]);
  const republished = seen.length - ids.size;

  report("5 two workers, one killed", {
    orders: ORDERS,
    cancelled: expectedCancelled,
    reservedExactlyOnce: ORDERS,
    releasedExactlyOnce: expectedCancelled,
    confirmationMessages: emails.messages,
    smtpTransmissions: emails.transmissions,
    inDoubtResends: emails.inDoubt,
    inventoryEventsOnTopic: seen.length,
    republishedCopies: republished,
    settledAfterKillMs,
    totalMs: Date.now() - started,
  });
});
