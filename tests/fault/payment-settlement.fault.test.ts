import { randomUUID } from "node:crypto";
import { afterAll, expect, it } from "vitest";
import { FakePaymentProvider, TEST_CARDS } from "@/lib/infrastructure/payments/fake-payment-provider";
import { eventually } from "../support/fixtures";
import { expectBooksBalance, insertAdmin, reservedOrder } from "../support/payments";
import { faultWorld, report, waitReady, type WorkerProcess } from "./harness";

let world: Awaited<ReturnType<typeof faultWorld>> | undefined;
let processor: FakePaymentProvider | undefined;
afterAll(async () => {
  await processor?.close();
  await world?.close();
});

const REFUNDS = 40;
const LOST = 20;

it("fault 6: a worker SIGKILLed while it voids and refunds through a slow, failing processor; its successor finishes every void and refund exactly once", async () => {
  world = await faultWorld("payments");
  const { pool, shop } = world;
  const admin = await insertAdmin(pool);

  // 40 paid orders, then cancelled: 40 refunds owed.
  const paid: Awaited<ReturnType<typeof reservedOrder>>[] = [];
  for (let i = 0; i < REFUNDS; i += 8) paid.push(...(await Promise.all(Array.from({ length: 8 }, () => reservedOrder(shop, pool)))));
  await Promise.all(paid.map(({ user, order }) => shop.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: TEST_CARDS.pays, paymentKey: randomUUID() })));
  for (const { user, order } of paid) await shop.orders.cancelOrder({ userId: user.id, orderId: order.id });

  // 20 web requests that died after the processor charged, before the answer was written.
  processor = new FakePaymentProvider({ databaseUrl: world.db.url, latencyMs: 0 });
  const lost = await Promise.all(Array.from({ length: LOST }, () => reservedOrder(shop, pool)));
  for (const { order } of lost) {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO payment_attempts (id, order_id, state, request_key, card_last4, amount_minor, created_at, updated_at)
       VALUES ($1, $2, 'pending', $3, '4242', $4, now() - interval '5 minutes', now() - interval '5 minutes')`,
      [id, order.id, `lost-${id}`, order.total.amountMinor],
    );
    await processor.charge({ key: id, orderId: order.id, amount: order.total, cardNumber: TEST_CARDS.pays, description: "" }, new AbortController().signal);
  }

  // Every processor call takes 150 ms and each refund fails once first; leases are 2 s.
  const env = { PAYMENTS_FAKE_LATENCY_MS: "150", PAYMENTS_LEASE_SECONDS: "2", PAYMENTS_TIMEOUT_MS: "1000", PAYMENTS_SETTLE_INTERVAL_MS: "200" };
  const done = async () => {
    const { rows } = await pool.query<{ refunded: number; voided: number }>(
      `SELECT (SELECT count(*)::int FROM refunds WHERE state = 'succeeded') AS refunded,
              (SELECT count(*)::int FROM payment_attempts WHERE state = 'voided') AS voided`,
    );
    return rows[0]!.refunded + rows[0]!.voided;
  };
  const started = Date.now();
  let worker: WorkerProcess = await world.startWorker("1", { ...env, PAYMENTS_FAKE_FAIL_FIRST: "refund:1" });
  await waitReady(worker);
  await eventually(async () => ((await done()) >= (REFUNDS + LOST) / 3 ? true : undefined), 120_000, "a third of the payment work", 20);
  const atKill = await done();
  worker.kill("SIGKILL");
  await worker.exited;
  const killedAt = Date.now();
  worker = await world.startWorker("2", env);
  await eventually(async () => ((await done()) === REFUNDS + LOST ? true : undefined), 120_000, "every refund and void", 100);
  const recoveredMs = Date.now() - killedAt;

  // The processor made each refund and each void exactly once.
  const { rows: perOrder } = await pool.query<{ id: string; refunds: number; voids: number; refunded: number }>(
    `SELECT o.id, count(*) FILTER (WHERE p.kind = 'refund')::int AS refunds, count(*) FILTER (WHERE p.kind = 'void')::int AS voids,
            coalesce(sum(p.amount_minor) FILTER (WHERE p.kind = 'refund'), 0)::int AS refunded
     FROM orders o LEFT JOIN fake_processor.operations p ON p.order_id = o.id GROUP BY o.id`,
  );
  const paidIds = new Set(paid.map((p) => p.order.id));
  for (const row of perOrder) {
    expect([row.refunds, row.voids], row.id).toEqual(paidIds.has(row.id) ? [1, 0] : [0, 1]);
  }
  const { rows: events } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.refunded'`);
  expect(events[0]!.n).toBe(REFUNDS);
  // One refund email per refund, through Kafka and the notifications consumer.
  await eventually(
    async () => {
      const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outgoing_emails WHERE kind = 'refund' AND status = 'sent'`);
      return rows[0]!.n === REFUNDS ? true : undefined;
    },
    120_000,
    "a refund email per refund",
    200,
  );
  const books = await expectBooksBalance(shop, pool, admin);
  const { rows: retried } = await pool.query<{ n: number }>(`SELECT coalesce(sum(retries), 0)::int AS n FROM refunds`);

  report("6 payments worker SIGKILL", {
    refunds: REFUNDS,
    voids: LOST,
    doneAtKill: atKill,
    refundClaims: retried[0]!.n,
    recoveryMs: recoveredMs,
    totalMs: Date.now() - started,
    reconciliationDifferences: 0,
    processorNetMinor: books.netMinor,
  });
});
