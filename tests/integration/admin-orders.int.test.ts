import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { makeAdminOrders, STALE_ORDER_MESSAGE } from "@/lib/application/admin/orders";
import { userCartOwner } from "@/lib/domain/cart";
import { isAppError, type ErrorCode } from "@/lib/domain/errors";
import { ORDER_STATUSES, type OrderStatus } from "@/lib/domain/order";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaOrderAdminRepository } from "@/lib/infrastructure/db/prisma-order-admin-repository";
import { PrismaUnitOfWork } from "@/lib/infrastructure/db/prisma-unit-of-work";
import { SHIP_TO } from "../support/addresses";
import { insertAdmin, insertOrderInStatus, orderSnapshot, outboxEvents } from "../support/admin-orders-fixtures";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertUser, servicesFor, sqlPool, stockOf } from "../support/fixtures";

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;
let prisma: PrismaClient;
let admin: Awaited<ReturnType<typeof insertAdmin>>;
let shopper: { id: string; email: string };
let product: string;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url, { RESERVATION_TTL_SECONDS: "600", PAYMENTS_FAKE_LATENCY_MS: "0" });
  prisma = createPrismaClient(db.url, { poolSize: 4 });
  admin = await insertAdmin(pool);
  shopper = await insertUser(pool);
  product = await insertProduct(pool, { stock: 0 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await services?.close();
  await pool?.end();
  await db?.drop();
});

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | "ok" | "other"> {
  try {
    await p;
    return "ok";
  } catch (error) {
    return isAppError(error) ? error.code : "other";
  }
}

const ALLOWED: Record<"ship" | "complete" | "cancel", { from: OrderStatus[]; to: OrderStatus; event: string }> = {
  ship: { from: ["paid"], to: "shipped", event: "order.shipped" },
  complete: { from: ["shipped"], to: "completed", event: "order.completed" },
  cancel: { from: ["pending", "stock_reserved", "paid"], to: "cancelled", event: "order.cancelled" },
};

describe("admin order transitions against PostgreSQL", () => {
  it("allows exactly the moves of the state machine from every status; each writes status, timeline (actor) and event, the others nothing", async () => {
    const outcomes: string[] = [];
    for (const status of ORDER_STATUSES) {
      for (const move of ["ship", "complete", "cancel"] as const) {
        const orderId = await insertOrderInStatus(pool, { userId: shopper.id, productId: product, status, version: 2 });
        const before = await orderSnapshot(pool, orderId);
        const code = await codeOf(services.admin.orders[move](admin, { orderId, expectedVersion: 2, trackingReference: "1Z-TEST" }));
        const after = await orderSnapshot(pool, orderId);
        const rule = ALLOWED[move];
        outcomes.push(`${status}:${move}:${code}`);
        if (rule.from.includes(status)) {
          expect(code).toBe("ok");
          expect([after.status, after.version]).toEqual([rule.to, 3]);
          expect(after.timeline).toHaveLength(2);
          expect(after.timeline[1]).toEqual(expect.objectContaining({ status: rule.to, actor_id: admin.id }));
          expect(after.events).toEqual([rule.event]);
        } else {
          expect(code).toBe("invalid_transition");
          expect(after).toEqual(before);
        }
      }
    }
    // 5 allowed moves out of 18.
    expect(outcomes.filter((o) => o.endsWith(":ok"))).toEqual(["pending:cancel:ok", "stock_reserved:cancel:ok", "paid:ship:ok", "paid:cancel:ok", "shipped:complete:ok"]);
  });

  it("writes the payloads the consumers expect", async () => {
    const orderId = await insertOrderInStatus(pool, { userId: shopper.id, productId: product, status: "paid" });
    await services.admin.orders.ship(admin, { orderId, expectedVersion: 0, trackingReference: " 1Z 999/AA-1 " });
    await services.admin.orders.complete(admin, { orderId, expectedVersion: 1 });
    expect((await outboxEvents(pool, "order.shipped", orderId)).map((e) => e.payload)).toEqual([
      { orderId, userId: shopper.id, email: shopper.email, trackingReference: "1Z 999/AA-1" },
    ]);
    expect((await outboxEvents(pool, "order.completed", orderId)).map((e) => e.payload)).toEqual([{ orderId, userId: shopper.id }]);
    const snap = await orderSnapshot(pool, orderId);
    expect([snap.status, snap.tracking_reference, snap.timeline.map((t: { reason: string | null }) => t.reason)]).toEqual([
      "completed",
      "1Z 999/AA-1",
      [null, "1Z 999/AA-1", null],
    ]);
  });

  it("rolls the status and timeline back when the event cannot be written (one transaction)", async () => {
    const orderId = await insertOrderInStatus(pool, { userId: shopper.id, productId: product, status: "paid" });
    const before = await orderSnapshot(pool, orderId);
    const uow = new PrismaUnitOfWork(prisma);
    const failing = makeAdminOrders({
      uow: {
        run: (work, signal) =>
          uow.run(
            (repos) =>
              work({
                ...repos,
                outbox: {
                  append: async () => {
                    throw new Error("outbox unavailable");
                  },
                },
              }),
            signal,
          ),
      },
      reader: new PrismaOrderAdminRepository(prisma),
      ids: { uuid: randomUUID },
      clock: { now: () => new Date() },
    });
    expect(await codeOf(failing.cancel(admin, { orderId, expectedVersion: 0 }))).toBe("internal");
    expect(await orderSnapshot(pool, orderId)).toEqual(before);
  });

  it("refuses a stale version with the conflict message and writes nothing", async () => {
    const orderId = await insertOrderInStatus(pool, { userId: shopper.id, productId: product, status: "paid" });
    await services.admin.orders.ship(admin, { orderId, expectedVersion: 0, trackingReference: "T-1" });
    const before = await orderSnapshot(pool, orderId);
    const error = await services.admin.orders.complete(admin, { orderId, expectedVersion: 0 }).catch((e: unknown) => e);
    expect(isAppError(error, "conflict") && error.message).toBe(STALE_ORDER_MESSAGE);
    expect(await orderSnapshot(pool, orderId)).toEqual(before);
  });

  it("lets exactly one of two admins acting at once on the same version succeed (ship vs cancel, ship vs ship), 20 times each", async () => {
    const other = await insertAdmin(pool);
    for (let round = 0; round < 20; round++) {
      for (const pair of ["ship-cancel", "ship-ship"] as const) {
        const orderId = await insertOrderInStatus(pool, { userId: shopper.id, productId: product, status: "paid", version: 5 });
        const results = await Promise.allSettled([
          services.admin.orders.ship(admin, { orderId, expectedVersion: 5, trackingReference: `A-${round}` }),
          pair === "ship-cancel"
            ? services.admin.orders.cancel(other, { orderId, expectedVersion: 5 })
            : services.admin.orders.ship(other, { orderId, expectedVersion: 5, trackingReference: `B-${round}` }),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
        expect([won.length, lost.length]).toEqual([1, 1]);
        expect(isAppError(lost[0]!.reason, "conflict") && lost[0]!.reason.message).toBe(STALE_ORDER_MESSAGE);
        const snap = await orderSnapshot(pool, orderId);
        expect(snap.version).toBe(6);
        expect(snap.timeline).toHaveLength(2); // pending + the winner's
        expect(snap.events).toHaveLength(1);
        expect(snap.events[0]).toBe(snap.status === "shipped" ? "order.shipped" : "order.cancelled");
      }
    }
  });

  it("cancels a paid order: refund due, reservation cleared, and releaseStock gives the stock back once", async () => {
    const user = await insertUser(pool);
    const item = await insertProduct(pool, { stock: 3, priceMinor: 2500 });
    await services.cart.addItem(userCartOwner(user.id), { productId: item, quantity: 2 });
    const { order } = await services.orders.placeOrder({ userId: user.id, email: user.email, checkoutKey: randomUUID(), shipTo: SHIP_TO });
    const [created] = await outboxEvents(pool, "order.created", order.id);
    expect(await services.worker.reserveStock(created!)).toBe("reserved");
    const paid = await services.payments.payOrder({ userId: user.id, email: user.email, orderId: order.id, cardNumber: "4242424242424242", paymentKey: randomUUID() });
    expect(paid.paid).toBe(true);
    expect(await stockOf(pool, item)).toBe(1);

    const detailBefore = await services.admin.orders.get(admin, order.id);
    const cancelled = await services.admin.orders.cancel(admin, { orderId: order.id, expectedVersion: detailBefore.order.version });
    expect([cancelled.status, cancelled.refundDue, cancelled.cancellationReason]).toEqual(["cancelled", true, "admin"]);
    const { rows } = await pool.query(`SELECT reserved_until, cancellation_reason FROM orders WHERE id = $1`, [order.id]);
    expect(rows[0]).toEqual({ reserved_until: null, cancellation_reason: "admin" });
    // The refund due is a refund row for the whole charge, made by the worker.
    const { rows: refunds } = await pool.query(`SELECT amount_minor, state, reason, actor_id FROM refunds WHERE order_id = $1`, [order.id]);
    expect(refunds).toEqual([{ amount_minor: 5000, state: "pending", reason: "cancellation", actor_id: admin.id }]);

    const [event] = await outboxEvents(pool, "order.cancelled", order.id);
    expect(event!.payload).toEqual({ orderId: order.id, userId: user.id, reason: "admin", stockReserved: true });
    expect(await services.worker.releaseStock(event!)).toBe("released");
    expect(await services.worker.releaseStock(event!)).toBe("duplicate");
    expect(await stockOf(pool, item)).toBe(3);
    const { rows: moves } = await pool.query(`SELECT reason, delta FROM stock_movements WHERE product_id = $1 ORDER BY id`, [item]);
    expect(moves).toEqual([
      { reason: "opening", delta: 3 },
      { reason: "reservation", delta: -2 },
      { reason: "release", delta: 2 },
    ]);

    // The detail the back office shows: lines, address, customer, payment, timeline with who did what.
    const detail = await services.admin.orders.get(admin, order.id);
    expect(detail.customer).toEqual({ id: user.id, email: user.email, name: "Shopper" });
    expect(detail.order.lines.map((l) => [l.productId, l.quantity])).toEqual([[item, 2]]);
    expect(detail.order.shipTo).toEqual(SHIP_TO);
    expect(detail.payments.map((p) => [p.state, p.cardLast4, p.amount.amountMinor])).toEqual([["charged", "4242", 5000]]);
    expect(detail.timeline.map((t) => [t.status, t.actorEmail])).toEqual([
      ["pending", null],
      ["stock_reserved", null],
      ["paid", null],
      ["cancelled", admin.email],
    ]);
    // The shopper's view carries the actor id too, and the order its tracking field.
    const mine = await services.orders.getForUser(user.id, order.id);
    expect([mine.timeline.at(-1)?.actorId, mine.trackingReference]).toEqual([admin.id, null]);
  });

  it("answers not_found for an unknown or malformed id", async () => {
    expect(await codeOf(services.admin.orders.get(admin, randomUUID()))).toBe("not_found");
    expect(await codeOf(services.admin.orders.get(admin, "../../etc"))).toBe("not_found");
    expect(await codeOf(services.admin.orders.ship(admin, { orderId: randomUUID(), expectedVersion: 0, trackingReference: "T" }))).toBe("not_found");
  });
});

describe("admin order list against PostgreSQL", () => {
  const day = (iso: string) => new Date(iso);

  it("filters by status, inclusive UTC days, and email (exact or prefix, any case, no wildcards)", async () => {
    const tag = randomUUID().slice(0, 8);
    const ada = await insertUser(pool, `ada_${tag}@example.com`);
    const adx = await insertUser(pool, `adax${tag}@example.com`);
    const ids = {
      firstMorning: await insertOrderInStatus(pool, { userId: ada.id, productId: product, status: "paid", createdAt: day("2025-03-01T00:00:00.000Z") }),
      lastMoment: await insertOrderInStatus(pool, { userId: ada.id, productId: product, status: "shipped", createdAt: day("2025-03-02T23:59:59.999Z") }),
      dayAfter: await insertOrderInStatus(pool, { userId: ada.id, productId: product, status: "paid", createdAt: day("2025-03-03T00:00:00.000Z") }),
      dayBefore: await insertOrderInStatus(pool, { userId: ada.id, productId: product, status: "paid", createdAt: day("2025-02-28T23:59:59.999Z") }),
      otherCustomer: await insertOrderInStatus(pool, { userId: adx.id, productId: product, status: "paid", createdAt: day("2025-03-01T12:00:00.000Z") }),
    };
    const list = async (q: Record<string, string>) => (await services.admin.orders.list(admin, q)).items.map((r) => r.id);

    expect(await list({ email: `ADA_${tag}@EXAMPLE.COM` })).toEqual([ids.dayAfter, ids.lastMoment, ids.firstMorning, ids.dayBefore]);
    expect(await list({ email: `ada_${tag}` })).toHaveLength(4);
    // "_" is a character, not LIKE's wildcard: "ada_" does not match "adax".
    expect(await list({ email: `ada_${tag}` })).not.toContain(ids.otherCustomer);
    expect(await list({ email: `ada_${tag}`, from: "2025-03-01", to: "2025-03-02" })).toEqual([ids.lastMoment, ids.firstMorning]);
    expect(await list({ email: `ada_${tag}`, from: "2025-03-01", to: "2025-03-01" })).toEqual([ids.firstMorning]);
    expect(await list({ email: `ada_${tag}`, to: "2025-02-28" })).toEqual([ids.dayBefore]);
    expect(await list({ email: `ada_${tag}`, status: "shipped" })).toEqual([ids.lastMoment]);
    expect(await list({ email: "ada", from: "2025-03-01", to: "2025-03-01", status: "paid" })).toEqual(
      expect.arrayContaining([ids.firstMorning, ids.otherCustomer]),
    );
    const rows = (await services.admin.orders.list(admin, { email: `adax${tag}` })).items;
    expect(rows).toEqual([{ id: ids.otherCustomer, status: "paid", customerEmail: adx.email, total: { amountMinor: 1495, currency: "USD" }, refundDue: false, createdAt: day("2025-03-01T12:00:00.000Z"), version: 0 }]);
  });

  it("pages by keyset without duplicates or gaps while new orders arrive between pages", async () => {
    const tag = randomUUID().slice(0, 8);
    const user = await insertUser(pool, `pager-${tag}@example.com`);
    const existing: { id: string; at: number }[] = [];
    // 47 orders, in groups of 3 sharing a timestamp (the id breaks the tie).
    for (let i = 0; i < 47; i++) {
      const at = Date.UTC(2025, 5, 1) + Math.floor(i / 3) * 60_000;
      existing.push({ id: await insertOrderInStatus(pool, { userId: user.id, productId: product, status: "paid", createdAt: new Date(at) }), at });
    }
    const expected = [...existing].sort((a, b) => b.at - a.at || (a.id < b.id ? -1 : 1)).map((o) => o.id);

    const seen: string[] = [];
    const newest: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await services.admin.orders.list(admin, { email: `pager-${tag}`, ...(after ? { after } : {}) });
      seen.push(...page.items.map((r) => r.id));
      after = page.next ?? undefined;
      pages++;
      // Shoppers keep ordering while the admin pages (and one order lands among the old ones).
      newest.push(await insertOrderInStatus(pool, { userId: user.id, productId: product, status: "paid" }));
      await insertOrderInStatus(pool, { userId: user.id, productId: product, status: "paid", createdAt: new Date(Date.UTC(2025, 5, 1, 0, 5)) });
    } while (after && pages < 10);

    expect(pages).toBe(3); // 47 orders and the few placed among them, 20 a page
    const unique = new Set(seen);
    expect(unique.size).toBe(seen.length);
    // Every order that existed when paging began is seen exactly once, in order.
    expect(seen.filter((id) => expected.includes(id))).toEqual(expected);
    // Orders placed after page 1 sort before every later cursor: they never push rows onto the next page.
    expect(seen.filter((id) => newest.includes(id))).toEqual([]);
  });
});
