import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import type { Actor } from "@/lib/application/admin/access";
import { createServices } from "@/lib/composition/root";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertUser, sqlPool, variantIdOf } from "../support/fixtures";
import { insertDeadLetter, insertOrderAt, insertProcessedEvent } from "../support/admin-dashboard-fixtures";

/**
 * The dashboard's figures against real SQL, at a fixed "now": 2026-03-10 15:00 UTC,
 * which is 11:00 in New York (EDT since 2026-03-08, so the 30-day window spans a
 * daylight-saving change). Local midnight in New York is 04:00 UTC today and was
 * 05:00 UTC on 2026-02-09, the window's first day.
 */
const NOW = "2026-03-10T15:00:00.000Z";

let db: TestDatabase;
let pool: pg.Pool;
let newYork: ReturnType<typeof createServices>;
let utc: ReturnType<typeof createServices>;
let admin: Actor;

function servicesIn(timeZone: string) {
  const env = loadEnv({ ...process.env, DATABASE_URL: db.url, DATABASE_POOL_SIZE: "4", SHOP_TIME_ZONE: timeZone });
  return createServices(env, { clock: { now: () => new Date(NOW) } });
}

const ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  newYork = servicesIn("America/New_York");
  utc = servicesIn("UTC");
  const boss = await insertUser(pool, "boss@example.com");
  await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [boss.id]);
  admin = { id: boss.id, role: "admin" };
  const { id: userId } = await insertUser(pool);
  const order = (status: Parameters<typeof insertOrderAt>[1]["status"], totalMinor: number, createdAt: string, paidAt: string | null = null) =>
    insertOrderAt(pool, { userId, status, totalMinor, createdAt, paidAt });

  // Today in New York.
  ids.atMidnight = await order("paid", 1250, "2026-03-10T04:00:00.000Z", "2026-03-10T04:00:00.000Z");
  ids.shipped = await order("shipped", 3000, "2026-03-10T13:00:00.000Z", "2026-03-10T14:00:00.000Z");
  ids.cancelledAfterPaying = await order("cancelled", 5000, "2026-03-10T05:00:00.000Z", "2026-03-10T05:01:00.000Z");
  ids.unpaid = await order("pending", 100, "2026-03-10T06:00:00.000Z");
  ids.reserved = await order("stock_reserved", 200, "2026-03-10T07:00:00.000Z");
  // One millisecond before New York's midnight: yesterday there, today in UTC.
  ids.lastMsOfYesterday = await order("completed", 799, "2026-03-10T03:59:59.999Z", "2026-03-10T03:59:59.999Z");
  ids.lateYesterday = await order("pending", 50, "2026-03-10T03:00:00.000Z");
  // Placed yesterday, paid today: today's revenue, yesterday's order.
  ids.paidToday = await order("paid", 400, "2026-03-09T12:00:00.000Z", "2026-03-10T12:00:00.000Z");
  // The window's first day (2026-02-09 in New York) and the moment before it.
  ids.firstDay = await order("completed", 2222, "2026-02-09T05:00:00.000Z", "2026-02-09T05:00:00.000Z");
  ids.beforeWindow = await order("paid", 7000, "2026-02-09T04:59:59.999Z", "2026-02-09T04:59:59.999Z");
  // Long ago.
  ids.old = await order("completed", 9000, "2026-01-01T12:00:00.000Z", "2026-01-01T12:00:00.000Z");

  // Stock: two low (one exactly at its threshold), one fine, one archived.
  ids.low = await insertProduct(pool, { stock: 2, name: "Dashboard Low Lamp" });
  ids.atThreshold = await insertProduct(pool, { stock: 5, name: "Dashboard Edge Mug" });
  ids.plenty = await insertProduct(pool, { stock: 50, name: "Dashboard Plenty Chair" });
  ids.archived = await insertProduct(pool, { stock: 0, name: "Dashboard Archived Desk" });
  await pool.query(`UPDATE products SET archived_at = now() WHERE id = $1`, [ids.archived]);
  ids.custom = await insertProduct(pool, { stock: 12, name: "Dashboard Custom Rug" });
  await pool.query(`UPDATE product_variants SET low_stock_threshold = 12 WHERE product_id = $1`, [ids.custom]);

  // 22 processed events, one minute apart; the newest has no outbox row.
  for (let i = 0; i < 22; i++) {
    const processedAt = new Date(Date.parse(NOW) - (22 - i) * 60_000).toISOString();
    ids[`event${i}`] = await insertProcessedEvent(pool, {
      consumer: i % 2 ? "inventory" : "notifications",
      processedAt,
      outbox: i === 21 ? undefined : { type: "order.created", aggregateType: "order", aggregateId: `order-${i}` },
    });
  }
  ids.deadOld = await insertDeadLetter(pool, { topic: "order.created", offset: "7", createdAt: "2026-03-09T10:00:00.000Z" });
  ids.deadNew = await insertDeadLetter(pool, { topic: "order.paid", offset: "3", createdAt: "2026-03-10T10:00:00.000Z", error: "ZodError: bad" });
});

afterAll(async () => {
  await Promise.all([newYork?.close(), utc?.close()]);
  await pool?.end();
  await db?.drop();
});

const byStatus = (o: Awaited<ReturnType<typeof newYork.admin.dashboard.overview>>) => Object.fromEntries(o.ordersToday.map((s) => [s.status, s.count]));

describe("SHOP_TIME_ZONE", () => {
  it("defaults to UTC and accepts only IANA time zones", () => {
    const base: Record<string, string | undefined> = { ...process.env, DATABASE_URL: db.url };
    delete base.SHOP_TIME_ZONE;
    expect(loadEnv(base).SHOP_TIME_ZONE).toBe("UTC");
    expect(loadEnv({ ...base, SHOP_TIME_ZONE: "Europe/Berlin" }).SHOP_TIME_ZONE).toBe("Europe/Berlin");
    expect(() => loadEnv({ ...base, SHOP_TIME_ZONE: "Mars/Olympus_Mons" })).toThrow(/SHOP_TIME_ZONE: expected an IANA time zone/);
  });
});

describe("admin dashboard figures", () => {
  it("counts today's orders by status in the shop's time zone", async () => {
    const o = await newYork.admin.dashboard.overview(admin);
    expect(o.today).toBe("2026-03-10");
    expect(byStatus(o)).toEqual({ pending: 1, stock_reserved: 1, paid: 1, shipped: 1, completed: 0, cancelled: 1 });
    expect(o.ordersTodayTotal).toBe(5);
  });

  it("adds up revenue by the local day orders were paid: paid, shipped and completed only", async () => {
    const o = await newYork.admin.dashboard.overview(admin);
    expect(o.revenue).toHaveLength(1);
    const usd = o.revenue[0]!;
    expect(usd.currency).toBe("USD");
    // 1250 (paid at midnight) + 3000 (shipped) + 400 (placed yesterday, paid today); not the cancelled 5000, not unpaid ones.
    expect(usd.todayMinor).toBe(4650);
    expect(usd.days).toHaveLength(30);
    expect(usd.days[0]).toEqual({ day: "2026-02-09", amountMinor: 2222 });
    expect(usd.days.at(-1)).toEqual({ day: "2026-03-10", amountMinor: 4650 });
    expect(usd.days.find((d) => d.day === "2026-03-09")).toEqual({ day: "2026-03-09", amountMinor: 799 });
    const nonZero = usd.days.filter((d) => d.amountMinor !== 0).map((d) => d.day);
    expect(nonZero).toEqual(["2026-02-09", "2026-03-09", "2026-03-10"]);
    expect(usd.days.filter((d) => d.amountMinor === 0)).toHaveLength(27);
    expect(usd.totalMinor).toBe(2222 + 799 + 4650);
    expect(Number.isInteger(usd.totalMinor)).toBe(true);
  });

  it("moves the day boundary with the time zone", async () => {
    const o = await utc.admin.dashboard.overview(admin);
    expect(o.today).toBe("2026-03-10");
    // In UTC the order paid at 03:59:59.999 and the pending one at 03:00 are today's.
    expect(byStatus(o)).toEqual({ pending: 2, stock_reserved: 1, paid: 1, shipped: 1, completed: 1, cancelled: 1 });
    const usd = o.revenue[0]!;
    expect(usd.todayMinor).toBe(4650 + 799);
    // 2026-02-09 in UTC holds both the 04:59:59.999 and the 05:00 order; 2026-03-09 holds none.
    expect(usd.days[0]).toEqual({ day: "2026-02-09", amountMinor: 2222 + 7000 });
    expect(usd.days.find((d) => d.day === "2026-03-09")!.amountMinor).toBe(0);
  });

  it("lists live variants of active products at or below their low-stock threshold, lowest stock first", async () => {
    const o = await newYork.admin.dashboard.overview(admin);
    // By variant, the unit of stock (each of these products is sold in one).
    expect(o.lowStock.products.map((p) => p.id)).toEqual([
      await variantIdOf(pool, ids.low!),
      await variantIdOf(pool, ids.atThreshold!),
      await variantIdOf(pool, ids.custom!),
    ]);
    expect(o.lowStock.total).toBe(3);
    expect(o.lowStock.products[0]).toMatchObject({ name: "Dashboard Low Lamp", stock: 2, lowStockThreshold: 5 });
  });

  it("shows the last 20 processed events, newest first, with the outbox's type when there is one", async () => {
    const o = await newYork.admin.dashboard.overview(admin);
    expect(o.processedEvents).toHaveLength(20);
    expect(o.processedEvents.map((e) => e.eventId)).toEqual(Array.from({ length: 20 }, (_, i) => ids[`event${21 - i}`]));
    expect(o.processedEvents[0]).toMatchObject({ consumer: "inventory", type: null, aggregateId: null });
    expect(o.processedEvents[1]).toMatchObject({ consumer: "notifications", type: "order.created", aggregateType: "order", aggregateId: "order-20" });
    expect(o.processedEvents[0]!.processedAt).toEqual(new Date(Date.parse(NOW) - 60_000));
  });

  it("shows the dead letters, newest first, and how many there are", async () => {
    const o = await newYork.admin.dashboard.overview(admin);
    expect(o.deadLetters.total).toBe(2);
    expect(o.deadLetters.entries.map((d) => d.id)).toEqual([ids.deadNew, ids.deadOld]);
    expect(o.deadLetters.entries[0]).toMatchObject({ topic: "order.paid", offset: "3", error: "ZodError: bad", eventId: null });
  });
});
