import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { servicesFor, sqlPool } from "../support/fixtures";
import { reservedOrder as reserved } from "../support/payments";

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url, { RESERVATION_TTL_SECONDS: "600", PAYMENTS_FAKE_LATENCY_MS: "0" });
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

const reservedOrder = () => reserved(services, pool);

describe("payment and reservation expiry against PostgreSQL", () => {
  it("pays a reserved order: status, timeline, attempt and order.paid in one transaction", async () => {
    const { user, order } = await reservedOrder();
    const declined = await services.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: "4000000000000002", paymentKey: randomUUID() });
    expect(declined).toEqual({ paid: false, reason: "card_declined" });
    const paid = await services.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: "4242424242424242", paymentKey: randomUUID() });
    expect(paid.paid).toBe(true);

    const saved = await services.orders.getForUser(user.id, order.id);
    expect([saved.status, saved.reservedUntil, saved.paidAt instanceof Date]).toEqual(["paid", null, true]);
    expect(saved.timeline.map((t) => t.status)).toEqual(["pending", "stock_reserved", "paid"]);
    const { rows: attempts } = await pool.query(`SELECT state, reason, card_last4, applied_at IS NOT NULL AS applied FROM payment_attempts WHERE order_id = $1 ORDER BY created_at`, [order.id]);
    expect(attempts).toEqual([
      { state: "declined", reason: "card_declined", card_last4: "0002", applied: false },
      { state: "charged", reason: null, card_last4: "4242", applied: true },
    ]);
    const { rows: events } = await pool.query(`SELECT payload FROM outbox_events WHERE type = 'order.paid' AND aggregate_id = $1`, [order.id]);
    expect(events.map((e) => e.payload)).toEqual([{ orderId: order.id, userId: user.id, email: user.email, amountMinor: 999 + 495, currency: "USD" }]); // the unit plus shipping
  });

  it("expires each lapsed reservation exactly once when three workers run the job at the same time", async () => {
    const orders = [];
    for (let i = 0; i < 12; i++) orders.push((await reservedOrder()).order.id);
    const paidOne = await reservedOrder();
    await services.payments.payOrder({ userId: paidOne.user.id, email: paidOne.user.email, orderId: paidOne.order.id, cardNumber: "4242424242424242", paymentKey: randomUUID() });
    // Their payment windows closed a minute ago.
    await pool.query(`UPDATE orders SET reserved_until = now() - interval '1 minute' WHERE id = ANY($1)`, [orders]);

    const counts = await Promise.all([services.worker.expireReservations(5), services.worker.expireReservations(5), services.worker.expireReservations(5)]);
    let total = counts.reduce((a, b) => a + b, 0);
    while (total < 12) {
      const more = await services.worker.expireReservations(5);
      if (more === 0) break;
      total += more;
    }
    expect(total).toBe(12);
    expect(await services.worker.expireReservations(5)).toBe(0);

    const { rows } = await pool.query(
      `SELECT o.status, o.cancellation_reason, count(e.id)::int AS events
       FROM orders o LEFT JOIN outbox_events e ON e.aggregate_id = o.id::text AND e.type = 'order.cancelled'
       WHERE o.id = ANY($1) GROUP BY o.id, o.status, o.cancellation_reason`,
      [orders],
    );
    expect(rows).toHaveLength(12);
    for (const row of rows) expect(row).toEqual({ status: "cancelled", cancellation_reason: "payment_expired", events: 1 });
    expect((await services.orders.getForUser(paidOne.user.id, paidOne.order.id)).status).toBe("paid");
  });
});
