import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/domain/errors";
import { ORDER_STATUSES } from "@/lib/domain/order";
import { addDays, localDate, makeAdminDashboard, REVENUE_DAYS, type DashboardQueries } from "./dashboard";

function fakeQueries(data: Partial<{ byStatus: Awaited<ReturnType<DashboardQueries["ordersByStatus"]>>; revenue: Awaited<ReturnType<DashboardQueries["revenueByDay"]>> }> = {}) {
  const calls: unknown[][] = [];
  const queries: DashboardQueries = {
    async ordersByStatus(...args) {
      calls.push(["ordersByStatus", ...args.slice(0, 2)]);
      return data.byStatus ?? [];
    },
    async revenueByDay(...args) {
      calls.push(["revenueByDay", ...args.slice(0, 3)]);
      return data.revenue ?? [];
    },
    async lowStock(limit) {
      calls.push(["lowStock", limit]);
      return { products: [], total: 0 };
    },
    async recentProcessedEvents(limit) {
      calls.push(["recentProcessedEvents", limit]);
      return [];
    },
    async recentDeadLetters(limit) {
      calls.push(["recentDeadLetters", limit]);
      return { entries: [], total: 0 };
    },
  };
  return { queries, calls };
}

const at = (iso: string) => ({ now: () => new Date(iso) });
const admin = { id: "00000000-0000-4000-8000-000000000001", role: "admin" as const };

describe("local dates", () => {
  it("is the calendar day of an instant in the shop's zone", () => {
    expect(localDate(new Date("2026-03-10T03:30:00Z"), "UTC")).toBe("2026-03-10");
    expect(localDate(new Date("2026-03-10T03:30:00Z"), "America/New_York")).toBe("2026-03-09");
    expect(localDate(new Date("2026-03-09T23:30:00Z"), "Europe/Berlin")).toBe("2026-03-10");
    expect(localDate(new Date("2026-03-09T23:30:00Z"), "Pacific/Kiritimati")).toBe("2026-03-10");
  });

  it("adds calendar days across months, years and daylight-saving changes", () => {
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2024-03-01", -1)).toBe("2024-02-29");
    expect(addDays("2026-01-01", -29)).toBe("2025-12-03");
    expect(addDays("2026-03-29", 1)).toBe("2026-03-30");
  });
});

describe("admin dashboard", () => {
  it("refuses anonymous visitors and customers before any query", async () => {
    const { queries, calls } = fakeQueries();
    const dashboard = makeAdminDashboard({ queries, clock: at("2026-03-10T12:00:00Z"), timeZone: "UTC" });
    await expect(dashboard.overview(null, { junk: 1 } as never)).rejects.toSatisfy((e) => isAppError(e, "unauthenticated"));
    await expect(dashboard.overview({ id: admin.id, role: "customer" })).rejects.toSatisfy((e) => isAppError(e, "forbidden"));
    expect(calls).toEqual([]);
  });

  it("asks for the shop's local today and the 30 days up to it", async () => {
    const { queries, calls } = fakeQueries();
    const dashboard = makeAdminDashboard({ queries, clock: at("2026-03-10T03:00:00Z"), timeZone: "America/New_York" });
    const overview = await dashboard.overview(admin);
    expect(overview.today).toBe("2026-03-09");
    expect(calls).toContainEqual(["ordersByStatus", "2026-03-09", "America/New_York"]);
    expect(calls).toContainEqual(["revenueByDay", "2026-02-08", "2026-03-09", "America/New_York"]);
    expect(calls).toContainEqual(["lowStock", 50]);
    expect(calls).toContainEqual(["recentProcessedEvents", 20]);
  });

  it("lists every status, 0 where there were none, and adds them up", async () => {
    const { queries } = fakeQueries({ byStatus: [{ status: "paid", count: 3 }, { status: "cancelled", count: 1 }] });
    const overview = await makeAdminDashboard({ queries, clock: at("2026-03-10T12:00:00Z"), timeZone: "UTC" }).overview(admin);
    expect(overview.ordersToday.map((s) => s.status)).toEqual([...ORDER_STATUSES]);
    expect(Object.fromEntries(overview.ordersToday.map((s) => [s.status, s.count]))).toEqual({
      pending: 0,
      stock_reserved: 0,
      paid: 3,
      shipped: 0,
      completed: 0,
      cancelled: 1,
    });
    expect(overview.ordersTodayTotal).toBe(4);
  });

  it("gives one revenue figure per day, oldest first, 0 on days without sales, per currency", async () => {
    const { queries } = fakeQueries({
      revenue: [
        { day: "2026-02-09", currency: "USD", amountMinor: 500 },
        { day: "2026-03-01", currency: "USD", amountMinor: 1999 },
        { day: "2026-03-10", currency: "USD", amountMinor: 4321 },
        { day: "2026-03-10", currency: "EUR", amountMinor: 100 },
      ],
    });
    const overview = await makeAdminDashboard({ queries, clock: at("2026-03-10T12:00:00Z"), timeZone: "UTC" }).overview(admin);
    expect(overview.revenue.map((r) => r.currency)).toEqual(["EUR", "USD"]);
    const usd = overview.revenue.find((r) => r.currency === "USD")!;
    expect(usd.days).toHaveLength(REVENUE_DAYS);
    expect([usd.days[0], usd.days.at(-1)]).toEqual([
      { day: "2026-02-09", amountMinor: 500 },
      { day: "2026-03-10", amountMinor: 4321 },
    ]);
    expect(usd.days.find((d) => d.day === "2026-03-01")!.amountMinor).toBe(1999);
    expect(usd.days.filter((d) => d.amountMinor === 0)).toHaveLength(REVENUE_DAYS - 3);
    expect([usd.todayMinor, usd.totalMinor]).toEqual([4321, 500 + 1999 + 4321]);
    expect(overview.revenue.find((r) => r.currency === "EUR")).toMatchObject({ todayMinor: 100, totalMinor: 100 });
  });

  it("shows a zero series in the default currency when nothing sold", async () => {
    const { queries } = fakeQueries();
    const overview = await makeAdminDashboard({ queries, clock: at("2026-03-10T12:00:00Z"), timeZone: "UTC" }).overview(admin);
    expect(overview.revenue).toHaveLength(1);
    expect(overview.revenue[0]).toMatchObject({ currency: "USD", todayMinor: 0, totalMinor: 0 });
    expect(overview.revenue[0]!.days.every((d) => d.amountMinor === 0)).toBe(true);
  });

  it("refuses limits out of range with field messages", async () => {
    const { queries, calls } = fakeQueries();
    const dashboard = makeAdminDashboard({ queries, clock: at("2026-03-10T12:00:00Z"), timeZone: "UTC" });
    await expect(dashboard.overview(admin, { recentLimit: 0 })).rejects.toSatisfy((e) => isAppError(e, "validation") && e.fields[0]!.path === "recentLimit");
    expect(calls).toEqual([]);
  });
});
