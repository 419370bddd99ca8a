/**
 * Payment test helpers over real PostgreSQL: reserved orders to pay, a worker
 * round that settles everything owed, and the two sets of books (the fake
 * processor's and the shop's) to compare.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { expect } from "vitest";
import { userCartOwner } from "@/lib/domain/cart";
import { parseEventPayload, type DomainEvent } from "@/lib/domain/events";
import { createServices } from "@/lib/composition/root";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { SHIP_TO } from "./addresses";
import { insertProduct, insertUser, type servicesFor } from "./fixtures";

type Services = ReturnType<typeof servicesFor>;

/** A shopper with an order whose stock is reserved (the worker's step done in-process). */
export async function reservedOrder(services: Services, pool: pg.Pool, init: { priceMinor?: number; user?: { id: string; email: string } } = {}) {
  const user = init.user ?? (await insertUser(pool));
  const product = await insertProduct(pool, { stock: 3, priceMinor: init.priceMinor ?? 999 });
  await services.cart.addItem(userCartOwner(user.id), { productId: product, quantity: 1 });
  const { order } = await services.orders.placeOrder({ userId: user.id, email: user.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
  const { rows } = await pool.query(`SELECT id, schema_version, payload, created_at FROM outbox_events WHERE type = 'order.created' AND aggregate_id = $1`, [order.id]);
  const event: DomainEvent<"order.created"> = {
    id: rows[0].id,
    type: "order.created",
    version: rows[0].schema_version,
    aggregateType: "order",
    aggregateId: order.id,
    occurredAt: rows[0].created_at,
    payload: parseEventPayload("order.created", rows[0].schema_version, rows[0].payload),
  };
  expect(await services.worker.reserveStock(event)).toBe("reserved");
  return { user, order };
}

/** An admin who exists in the database (refunds name their actor). */
export async function insertAdmin(pool: pg.Pool) {
  const admin = await insertUser(pool, `admin-${randomUUID().slice(0, 8)}@example.com`);
  await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin.id]);
  return { id: admin.id, email: admin.email, role: "admin" as const };
}

/**
 * A worker's services whose clock runs `aheadMs` ahead: every lease a request
 * took has lapsed for it, so one round takes all owed voids and refunds now
 * instead of after PAYMENTS_LEASE_SECONDS. Reservations must outlast the lead
 * (an order whose reservation lapsed for this clock is not paid by it).
 */
export function workerAhead(databaseUrl: string, extra: Record<string, string> = {}, aheadMs = 10 * 60_000) {
  return createServices(loadEnv({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "5", PAYMENTS_FAKE_LATENCY_MS: "0", ...extra }), {
    clock: { now: () => new Date(Date.now() + aheadMs) },
  });
}

/** Runs settlement rounds until one moves nothing; returns the totals. */
export async function settleAll(worker: Services, maxRounds = 50) {
  const total = { abandoned: 0, applied: 0, voided: 0, voidFailures: 0, refunded: 0, refundFailures: 0 };
  for (let round = 0; round < maxRounds; round++) {
    const n = await worker.worker.settlePayments(500);
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += n[k];
    if (Object.values(n).every((v) => v === 0)) return total;
  }
  throw new Error(`payments did not settle in ${maxRounds} rounds: ${JSON.stringify(total)}`);
}

/** The processor's operations by kind for some orders (or all). */
export async function processorCounts(pool: pg.Pool, orderIds?: string[]) {
  const { rows } = await pool.query<{ kind: string; n: number; amount: number }>(
    `SELECT kind, count(*)::int AS n, coalesce(sum(amount_minor), 0)::int AS amount FROM fake_processor.operations
     WHERE $1::uuid[] IS NULL OR order_id = ANY($1::uuid[]) GROUP BY kind`,
    [orderIds ?? null],
  );
  const out: Record<string, { n: number; amount: number }> = {};
  for (const r of rows) out[r.kind] = { n: r.n, amount: r.amount };
  return out;
}

/**
 * The invariant every race must keep, from both books independently:
 * - the processor holds, per order, exactly what the shop says it holds
 *   (reconciliation: 0 differences, nothing still settling);
 * - each order the shop counts as paid (paid, shipped, completed) holds one
 *   charge minus its confirmed refunds, and every other order holds nothing
 *   unless it is cancelled with a refund on its way.
 */
export async function expectBooksBalance(services: Services, pool: pg.Pool, admin: { id: string; role: "admin" }) {
  const reconciliation = await services.admin.reconcilePayments(admin, { since: new Date(0) });
  expect(reconciliation.differences).toEqual([]);
  expect(reconciliation.settlingOrders).toBe(0);
  const { rows } = await pool.query<{ id: string; status: string; held: number; charges: number; processor_net: number }>(
    `SELECT o.id, o.status,
            (SELECT count(*) FROM payment_attempts a WHERE a.order_id = o.id AND a.state = 'charged')::int AS charges,
            coalesce((SELECT sum(a.amount_minor) FROM payment_attempts a WHERE a.order_id = o.id AND a.state = 'charged'), 0)::int
              - coalesce((SELECT sum(r.amount_minor) FROM refunds r WHERE r.order_id = o.id AND r.state = 'succeeded'), 0)::int AS held,
            coalesce((SELECT sum(CASE p.kind WHEN 'charge' THEN p.amount_minor ELSE -p.amount_minor END)
                      FROM fake_processor.operations p WHERE p.order_id = o.id AND p.kind IN ('charge', 'void', 'refund')), 0)::int AS processor_net
     FROM orders o`,
  );
  for (const r of rows) {
    expect(r.processor_net, `order ${r.id} (${r.status})`).toBe(r.held);
    expect(r.charges, `order ${r.id} has at most one charge`).toBeLessThanOrEqual(1);
    // Unpaid orders hold nothing, and a cancelled one has given everything back.
    if (!["paid", "shipped", "completed"].includes(r.status)) expect(r.held, `${r.status} order ${r.id} holds nothing`).toBe(0);
    if (["paid", "shipped", "completed"].includes(r.status)) expect(r.charges, `paid order ${r.id}`).toBe(1);
  }
  // No refund is left owing on a cancelled order once everything settled.
  const owing = await pool.query(`SELECT count(*)::int AS n FROM refunds WHERE state = 'pending'`);
  expect(owing.rows[0].n).toBe(0);
  return { orders: rows.length, netMinor: rows.reduce((n, r) => n + r.processor_net, 0) };
}
