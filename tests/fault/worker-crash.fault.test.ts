import { afterAll, expect, it } from "vitest";
import { confirmationCheck, expectOneConfirmationEach, faultWorld, progress, report, reservationCheck, waitReady, type WorkerProcess } from "./harness";
import { eventually } from "../support/fixtures";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
afterAll(async () => {
  await world?.close();
});

const ORDERS = 500;
const KILLS = 5;

it("fault 2: the worker is SIGKILLed five times mid-batch during 500 orders; each order is reserved exactly once and gets exactly one confirmation message", async () => {
  world = await faultWorld("crash");
  const { pool } = world;
  const products = await world.products(20, 100_000);
  const shoppers = await world.shoppers(ORDERS, products);
  let worker: WorkerProcess = await world.startWorker("1");
  await waitReady(worker);

  const started = Date.now();
  const placing = world.placeOrders(shoppers, 6);
  const orderIdsSoFar = async () => (await pool.query<{ id: string }>(`SELECT id FROM orders`)).rows.map((r) => r.id);

  const recoveries: number[] = [];
  for (let k = 1; k <= KILLS; k++) {
    // Kill while work is flowing: once this share of the orders is reserved.
    const threshold = Math.floor((ORDERS * k) / (KILLS + 1));
    await eventually(async () => ((await progress(pool, await orderIdsSoFar())).reserved >= threshold ? true : undefined), 180_000, `${threshold} reservations`, 20);
    const before = (await progress(pool, await orderIdsSoFar())).reserved;
    worker.kill("SIGKILL");
    const killedAt = Date.now();
    await worker.exited;
    worker = await world.startWorker(String(k + 1));
    // Recovered when a new reservation commits (or everything is done already).
    await eventually(
      async () => {
        const ids = await orderIdsSoFar();
        const p = await progress(pool, ids);
        return p.reserved > before || (ids.length === ORDERS && p.reserved === ORDERS) ? true : undefined;
      },
      120_000,
      "processing to resume",
      20,
    );
    recoveries.push(Date.now() - killedAt);
  }

  const orderIds = await placing;
  expect(new Set(orderIds).size).toBe(ORDERS);
  await eventually(
    async () => {
      const p = await progress(pool, orderIds);
      return p.reserved === ORDERS && p.emails_sent === ORDERS && p.unsent === 0 ? true : undefined;
    },
    240_000,
    "every order reserved and confirmed",
    200,
  );
  const totalMs = Date.now() - started;

  expect(await reservationCheck(pool, orderIds)).toEqual({ exactlyOnce: ORDERS, never: 0, more: 0 });
  // Stock moved by exactly the reserved quantities: nothing reserved twice. Per
  // variant, the unit of stock (each of these products is sold in one).
  const { rows: stock } = await pool.query<{ ok: boolean; variants: number }>(
    `SELECT bool_and(v.stock = 100000 - COALESCE((SELECT sum(i.quantity) FROM order_items i WHERE i.variant_id = v.id), 0)) AS ok,
            count(*)::int AS variants
     FROM product_variants v WHERE v.product_id = ANY($1)`,
    [products],
  );
  expect(stock[0]).toEqual({ ok: true, variants: products.length });
  // One confirmation message (one Message-ID) per order. A copy may be
  // transmitted twice only when a kill landed between the SMTP server's
  // acceptance and the dispatcher recording it (an in-doubt attempt).
  const emails = await confirmationCheck(pool, world.sink, shoppers);
  expectOneConfirmationEach(emails, ORDERS);
  const { rows: statuses } = await pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM outgoing_emails GROUP BY 1`);
  expect(statuses).toEqual([{ status: "sent", n: ORDERS }]);

  report("2 worker SIGKILL x5", {
    orders: ORDERS,
    kills: KILLS,
    reservedExactlyOnce: ORDERS,
    confirmationMessages: emails.messages,
    smtpTransmissions: emails.transmissions,
    inDoubtResends: emails.inDoubt,
    recoveryMsPerKill: recoveries.join("/"),
    totalMs,
  });
});
