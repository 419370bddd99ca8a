import { afterAll, expect, it } from "vitest";
import { startFaultBroker, stopFaultBroker } from "./broker";
import { confirmationCheck, faultWorld, metricSum, progress, report, reservationCheck, sleep, waitReady } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
afterAll(async () => {
  await startFaultBroker(); // whatever happened, the next file needs it
  await world?.close();
});

it("fault 1: with the broker stopped, 200 checkouts succeed; after it restarts every event is delivered and every order is reserved and confirmed", async () => {
  world = await faultWorld("outage");
  const { pool } = world;
  const products = await world.products(10, 100_000);
  const shoppers = await world.shoppers(200, products);
  const worker = await world.startWorker("a");
  await waitReady(worker);

  await stopFaultBroker();
  const placedStarted = Date.now();
  const orderIds = await world.placeOrders(shoppers);
  const placingMs = Date.now() - placedStarted;
  expect(new Set(orderIds).size).toBe(200);

  // The relay keeps trying while the broker is away (at least 10 s); nothing is published, nothing is lost.
  await sleep(Math.max(0, 10_000 - (Date.now() - placedStarted)));
  const during = await progress(pool, orderIds);
  expect(during.reserved).toBe(0);
  expect(during.unsent).toBeGreaterThanOrEqual(200);

  await startFaultBroker();
  const brokerBack = Date.now();
  const done = await eventually(
    async () => {
      const p = await progress(pool, orderIds);
      return p.reserved === 200 && p.emails_sent === 200 && p.unsent === 0 ? p : undefined;
    },
    180_000,
    "every order reserved and confirmed",
    200,
  );
  const recoveryMs = Date.now() - brokerBack;

  expect(done).toEqual({ reserved: 200, emails_sent: 200, unsent: 0 });
  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: 200, never: 0, more: 0 });
  // Nobody was killed: every shopper got exactly one message, transmitted once.
  const emails = await confirmationCheck(pool, world.sink, shoppers);
  expect(emails).toEqual({ messages: 200, transmissions: 200, inDoubt: 0, unexplained: [] });
  const { rows: dead } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM dead_letters`);
  expect(dead[0]!.n).toBe(0);

  report("1 broker outage", {
    orders: 200,
    placedWhileDownMs: placingMs,
    relayPublishFailuresWhileDown: await metricSum(worker, "storefront_worker_outbox_publish_failures_total"),
    reservedExactlyOnce: 200,
    confirmationEmails: emails.transmissions,
    dlq: 0,
    recoveryAfterBrokerRestartMs: recoveryMs,
  });
});
