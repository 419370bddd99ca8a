/**
 * Money under concurrency, against real PostgreSQL and the fake processor's
 * own books: two "web instances" (separate pools and processor clients) pay,
 * cancel, expire and refund at once, a worker settles what is owed, and both
 * sets of books must agree to the cent. Figures are printed for the notes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { isAppError } from "@/lib/domain/errors";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";
import { expectBooksBalance, insertAdmin, processorCounts, reservedOrder, settleAll, workerAhead } from "../support/payments";

const GOOD = "4242424242424242";
const DECLINED = "4000000000000002";

let db: TestDatabase;
let pool: pg.Pool;
let webA: ReturnType<typeof servicesFor>;
let webB: ReturnType<typeof servicesFor>;
let worker: ReturnType<typeof servicesFor>;
let admin: Awaited<ReturnType<typeof insertAdmin>>;

// The processor answers after 60 ms: long enough for requests to overlap.
const WEB = { RESERVATION_TTL_SECONDS: "3600", PAYMENTS_FAKE_LATENCY_MS: "60", PAYMENTS_MAX_DECLINES_PER_USER: "1000" };

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  webA = servicesFor(db.url, WEB);
  webB = servicesFor(db.url, WEB);
  worker = workerAhead(db.url);
  admin = await insertAdmin(pool);
});

afterAll(async () => {
  await Promise.all([webA?.close(), webB?.close(), worker?.close()]);
  await pool?.end();
  await db?.drop();
});

const web = (i: number) => (i % 2 === 0 ? webA : webB);
const pay = (i: number, order: { id: string }, user: { id: string; email: string }, cardNumber = GOOD, key: string = randomUUID(), signal?: AbortSignal) =>
  web(i).payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber, paymentKey: key }, signal);

/**
 * What a request ended in, as an HTTP client would see it: a 5xx is an
 * internal error or a 503 (unavailable), which only an aborted request may get.
 */
function outcome(r: PromiseSettledResult<{ paid: boolean }>): string {
  if (r.status === "fulfilled") return r.value.paid ? "paid" : "declined";
  if (isAppError(r.reason) && r.reason.code !== "internal" && r.reason.code !== "unavailable") return r.reason.code;
  return `5xx: ${String(r.reason)}`;
}

/** An aborted request's answer nobody reads: the client is gone. */
const abandoned = (r: PromiseSettledResult<{ paid: boolean }>) => (r.status === "rejected" && isAppError(r.reason, "unavailable") ? "aborted" : outcome(r));

function tally(outcomes: string[]) {
  return outcomes.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o]: (acc[o] ?? 0) + 1 }), {});
}

describe("payments race against each other and against cancellation, expiry and refunds", () => {
  it("charges once per order when 10 pays with 10 keys hit 20 orders at once from two web instances", async () => {
    const orders = await Promise.all(Array.from({ length: 20 }, () => reservedOrder(webA, pool)));
    const outcomes: string[] = [];
    for (const { order, user } of orders) {
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => pay(i, order, user)));
      const per = results.map(outcome);
      outcomes.push(...per);
      expect(per.filter((o) => o === "paid").length).toBeGreaterThanOrEqual(1);
      expect(per.every((o) => o === "paid" || o === "payment_in_progress")).toBe(true);
    }
    const ids = orders.map((o) => o.order.id);
    const processor = await processorCounts(pool, ids);
    expect(processor.charge?.n).toBe(20);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM orders WHERE id = ANY($1) AND status = 'paid'`, [ids]);
    expect(rows[0].n).toBe(20);
    const { rows: receipts } = await pool.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = ANY($1)`, [ids]);
    expect(receipts[0].n).toBe(20);
    await settleAll(worker);
    const books = await expectBooksBalance(webA, pool, admin);
    console.info(`[payments figures] same-order pays: ${outcomes.length} attempts, ${processor.charge?.n} authorisations, outcomes ${JSON.stringify(tally(outcomes))}, books over ${books.orders} orders: 0 differences`);
  });

  it("applies or voids every charge when pays race shopper cancels, admin cancels, expiry and abandoned requests", async () => {
    const rounds = 10;
    const cases: { order: { id: string }; kind: string }[] = [];
    const outcomes: string[] = [];
    for (let round = 0; round < rounds; round++) {
      // Shopper cancels while the card is being charged.
      const a = await reservedOrder(webA, pool);
      const [paidA] = await Promise.allSettled([
        pay(round, a.order, a.user),
        new Promise((r) => setTimeout(r, 20 + round * 5)).then(() => webB.orders.cancelOrder({ userId: a.user.id, orderId: a.order.id })),
      ]);
      outcomes.push(outcome(paidA));
      cases.push({ order: a.order, kind: "cancel" });

      // An admin cancels while the card is being charged.
      const b = await reservedOrder(webA, pool);
      const version = (await webA.orders.getForUser(b.user.id, b.order.id)).version;
      const [paidB] = await Promise.allSettled([
        pay(round + 1, b.order, b.user),
        new Promise((r) => setTimeout(r, 20 + round * 5)).then(() => webB.admin.orders.cancel(admin, { orderId: b.order.id, expectedVersion: version })),
      ]);
      outcomes.push(outcome(paidB));
      cases.push({ order: b.order, kind: "admin-cancel" });

      // The reservation lapses while the card is being charged (and the expiry job runs).
      const c = await reservedOrder(webA, pool);
      const [paidC] = await Promise.allSettled([
        pay(round, c.order, c.user),
        new Promise((r) => setTimeout(r, 20 + round * 5)).then(async () => {
          await pool.query(`UPDATE orders SET reserved_until = now() - interval '1 second' WHERE id = $1`, [c.order.id]);
          await webB.worker.expireReservations(10);
        }),
      ]);
      outcomes.push(outcome(paidC));
      cases.push({ order: c.order, kind: "expiry" });

      // The shopper goes away (the request is aborted) at some point around the processor's answer.
      const d = await reservedOrder(webA, pool);
      const abort = new AbortController();
      setTimeout(() => abort.abort(new Error("client went away")), round * 12);
      outcomes.push(abandoned((await Promise.allSettled([pay(round, d.order, d.user, GOOD, randomUUID(), abort.signal)]))[0]!));
      cases.push({ order: d.order, kind: "abort" });
    }
    // Nothing here may be a 5xx (an aborted request that never reached the processor is "aborted").
    expect(outcomes.filter((o) => o.startsWith("5xx"))).toEqual([]);

    const settled = await settleAll(worker);
    const books = await expectBooksBalance(webA, pool, admin);
    const ids = cases.map((c) => c.order.id);
    const processor = await processorCounts(pool, ids);
    const { rows } = await pool.query<{ state: string; n: number }>(
      `SELECT state, count(*)::int AS n FROM payment_attempts WHERE order_id = ANY($1) GROUP BY state`,
      [ids],
    );
    const { rows: refunds } = await pool.query(`SELECT count(*)::int AS n FROM refunds WHERE order_id = ANY($1) AND state = 'succeeded'`, [ids]);
    // Every charge the processor took is either on a paid order or voided/refunded (the books balance above),
    // and nothing is left in flight.
    expect(rows.filter((r) => ["pending", "void_pending"].includes(r.state))).toEqual([]);
    console.info(
      `[payments figures] pay vs cancel/admin cancel/expiry/abort over ${cases.length} orders: outcomes ${JSON.stringify(tally(outcomes))}, ` +
        `attempts ${JSON.stringify(Object.fromEntries(rows.map((r) => [r.state, r.n])))}, processor ${JSON.stringify(processor)}, ` +
        `refunds ${refunds[0].n}, worker settled ${JSON.stringify(settled)}, processor net ${books.netMinor}, 0 differences`,
    );
  });

  it("keeps both books equal over a seeded random mix of pays, declines, retries, cancels, expiries and refunds on 200 orders", async () => {
    let seed = 20261202;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const users = await Promise.all(Array.from({ length: 20 }, async () => (await reservedOrder(webA, pool)).user));
    // Ten customers' carts at a time (one cart per customer cannot place two orders at once).
    const orders: Awaited<ReturnType<typeof reservedOrder>>[] = [];
    for (let i = 0; i < 200; i += users.length) {
      orders.push(...(await Promise.all(users.map((user, u) => reservedOrder(webA, pool, { user, priceMinor: 500 + ((i + u) % 7) * 100 })))));
    }
    const outcomes: string[] = [];
    const ops: Record<string, number> = {};
    const actions = ["pay", "pay", "decline", "retry", "cancel", "expire", "refund-full", "refund-partial", "refund-race", "admin-cancel"] as const;

    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        for (let i = lane; i < orders.length; i += 4) {
          const { order, user } = orders[i]!;
          const steps = Array.from({ length: 3 }, () => pick(actions));
          const delays = steps.map((_, s) => s * 70 + Math.floor(random() * 60));
          const running = steps.map(async (step, s) => {
            // Staggered around the processor's 60 ms: some steps overlap a charge, some follow it.
            await new Promise((r) => setTimeout(r, delays[s]));
            ops[step] = (ops[step] ?? 0) + 1;
            const w = web(i + s);
            const settledOne = async (p: Promise<unknown>) => outcomes.push(outcome((await Promise.allSettled([p.then(() => ({ paid: true }))]))[0]!));
            switch (step) {
              case "pay":
                return outcomes.push(outcome((await Promise.allSettled([pay(i + s, order, user)]))[0]!));
              case "decline":
                return outcomes.push(outcome((await Promise.allSettled([pay(i + s, order, user, DECLINED)]))[0]!));
              case "retry": {
                const key = randomUUID();
                const both = await Promise.allSettled([pay(i, order, user, GOOD, key), pay(i + 1, order, user, GOOD, key)]);
                return outcomes.push(...both.map(outcome));
              }
              case "cancel":
                return settledOne(w.orders.cancelOrder({ userId: user.id, orderId: order.id }));
              case "expire":
                await pool.query(`UPDATE orders SET reserved_until = now() - interval '1 second' WHERE id = $1 AND status = 'stock_reserved'`, [order.id]);
                return settledOne(w.worker.expireReservations(5));
              case "admin-cancel": {
                const current = await w.orders.getForUser(user.id, order.id);
                return settledOne(w.admin.orders.cancel(admin, { orderId: order.id, expectedVersion: current.version }));
              }
              case "refund-full":
              case "refund-partial": {
                const current = await w.orders.getForUser(user.id, order.id);
                const left = current.payment.chargedMinor - current.payment.refundedMinor - current.payment.refundingMinor;
                const amountMinor = step === "refund-full" ? Math.max(1, left) : 100;
                return settledOne(w.admin.refundOrder(admin, { orderId: order.id, amountMinor, requestKey: randomUUID() }));
              }
              case "refund-race": {
                // Two refunds at once that together exceed the charge: one is refused.
                const current = await w.orders.getForUser(user.id, order.id);
                const half = Math.ceil(current.total.amountMinor / 2) + 1;
                const both = await Promise.allSettled([
                  webA.admin.refundOrder(admin, { orderId: order.id, amountMinor: half, requestKey: randomUUID() }),
                  webB.admin.refundOrder(admin, { orderId: order.id, amountMinor: half, requestKey: randomUUID() }),
                ]);
                if (current.status === "paid") expect(both.filter((b) => b.status === "fulfilled").length).toBeLessThanOrEqual(1);
                return outcomes.push(...both.map((b) => outcome(b.status === "fulfilled" ? { status: "fulfilled", value: { paid: true } } : b)));
              }
            }
          });
          await Promise.all(running);
        }
      }),
    );
    // Only answers a client could act on: paid, declined, conflicts, in progress, limits, validation — never a 5xx.
    expect(outcomes.filter((o) => o.startsWith("5xx"))).toEqual([]);
    const settled = await settleAll(worker);
    const books = await expectBooksBalance(webA, pool, admin);
    const ids = orders.map((o) => o.order.id);
    const processor = await processorCounts(pool, ids);
    const { rows: statuses } = await pool.query(`SELECT status, count(*)::int AS n FROM orders WHERE id = ANY($1) GROUP BY status`, [ids]);
    const { rows: refunds } = await pool.query(`SELECT reason, count(*)::int AS n, sum(amount_minor)::int AS amount FROM refunds WHERE order_id = ANY($1) GROUP BY reason`, [ids]);
    console.info(
      `[payments figures] random mix (seed 20261202) over 200 orders: operations ${JSON.stringify(ops)}, outcomes ${JSON.stringify(tally(outcomes))}, ` +
        `orders ${JSON.stringify(Object.fromEntries(statuses.map((r) => [r.status, r.n])))}, processor ${JSON.stringify(processor)}, ` +
        `refunds ${JSON.stringify(refunds)}, worker settled ${JSON.stringify(settled)}, processor net ${books.netMinor}, 0 differences`,
    );
  });
});
