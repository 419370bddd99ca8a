import { z } from "zod";
import { parseInput } from "../../domain/validation";
import { ORDER_STATUSES, type OrderStatus } from "../../domain/order";
import type { Clock } from "../shared";
import { requireAdmin, type Actor } from "./access";

/** A calendar date in the shop's time zone, "YYYY-MM-DD". */
export type LocalDate = string;

/** The days the revenue chart covers, today included. */
export const REVENUE_DAYS = 30;

/** Orders that count as revenue: paid, and neither cancelled nor refunded since. */
export const REVENUE_STATUSES = ["paid", "shipped", "completed"] as const satisfies readonly OrderStatus[];

export interface LowStockProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly stock: number;
  readonly lowStockThreshold: number;
}

export interface ProcessedEventEntry {
  readonly consumer: string;
  readonly eventId: string;
  readonly processedAt: Date;
  /** From the outbox row with the same id; null when it is gone (or came from elsewhere). */
  readonly type: string | null;
  readonly aggregateType: string | null;
  readonly aggregateId: string | null;
}

export interface DeadLetterEntry {
  readonly id: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly consumer: string;
  readonly eventId: string | null;
  readonly error: string;
  readonly createdAt: Date;
}

/** The read model behind the dashboard. Local dates are in `timeZone` (an IANA name). */
export interface DashboardQueries {
  /** Orders placed on the local day `day`, counted by status (statuses with none may be missing). */
  ordersByStatus(day: LocalDate, timeZone: string, signal?: AbortSignal): Promise<{ status: OrderStatus; count: number }[]>;
  /**
   * Total of REVENUE_STATUSES orders by the local day of their paid_at, from
   * `from` to `to` inclusive, per currency, in minor units (days without sales may be missing).
   */
  revenueByDay(from: LocalDate, to: LocalDate, timeZone: string, signal?: AbortSignal): Promise<{ day: LocalDate; currency: string; amountMinor: number }[]>;
  /** Active (not archived) products with stock at or below their threshold, lowest stock first. */
  lowStock(limit: number, signal?: AbortSignal): Promise<{ products: LowStockProduct[]; total: number }>;
  /** The latest processed events, newest first. */
  recentProcessedEvents(limit: number, signal?: AbortSignal): Promise<ProcessedEventEntry[]>;
  /** The latest dead letters, newest first, and how many there are in all. */
  recentDeadLetters(limit: number, signal?: AbortSignal): Promise<{ entries: DeadLetterEntry[]; total: number }>;
}

export interface RevenueSeries {
  readonly currency: string;
  /** Today's revenue (the last day of `days`). */
  readonly todayMinor: number;
  readonly totalMinor: number;
  /** One entry per day, oldest first, REVENUE_DAYS of them; 0 for days without sales. */
  readonly days: readonly { day: LocalDate; amountMinor: number }[];
}

export interface DashboardOverview {
  readonly timeZone: string;
  readonly today: LocalDate;
  readonly generatedAt: Date;
  /** Every status, in the order status machine's order; 0 when none. */
  readonly ordersToday: readonly { status: OrderStatus; count: number }[];
  readonly ordersTodayTotal: number;
  /** One series per currency sold in; the shop's default currency when nothing sold. */
  readonly revenue: readonly RevenueSeries[];
  readonly lowStock: { products: readonly LowStockProduct[]; total: number };
  readonly processedEvents: readonly ProcessedEventEntry[];
  readonly deadLetters: { entries: readonly DeadLetterEntry[]; total: number };
}

/** The local calendar date of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): LocalDate {
  // en-CA formats as YYYY-MM-DD.
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** `day` plus `delta` calendar days (pure date arithmetic: no time zone involved). */
export function addDays(day: LocalDate, delta: number): LocalDate {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + delta);
  return d.toISOString().slice(0, 10);
}

const inputSchema = z
  .object({ recentLimit: z.number().int().min(1).max(100).default(20), lowStockLimit: z.number().int().min(1).max(200).default(50) })
  .strict();

/**
 * The back office's dashboard: today's orders by status, revenue today and per
 * day over the last REVENUE_DAYS days (by the day the order was paid, in the
 * shop's time zone), products low on stock, the worker's latest processed
 * events and the dead letters.
 */
export function makeAdminDashboard(deps: { queries: DashboardQueries; clock: Clock; timeZone: string; defaultCurrency?: string }) {
  return {
    async overview(actor: Actor | null, input: z.input<typeof inputSchema> = {}, signal?: AbortSignal): Promise<DashboardOverview> {
      requireAdmin(actor);
      const { recentLimit, lowStockLimit } = parseInput(inputSchema, input, { message: "The request is invalid." });
      const now = deps.clock.now();
      const today = localDate(now, deps.timeZone);
      const from = addDays(today, -(REVENUE_DAYS - 1));
      const [byStatus, revenueRows, lowStock, processedEvents, deadLetters] = await Promise.all([
        deps.queries.ordersByStatus(today, deps.timeZone, signal),
        deps.queries.revenueByDay(from, today, deps.timeZone, signal),
        deps.queries.lowStock(lowStockLimit, signal),
        deps.queries.recentProcessedEvents(recentLimit, signal),
        deps.queries.recentDeadLetters(recentLimit, signal),
      ]);

      const counts = new Map(byStatus.map((r) => [r.status, r.count]));
      const ordersToday = ORDER_STATUSES.map((status) => ({ status, count: counts.get(status) ?? 0 }));

      const days = Array.from({ length: REVENUE_DAYS }, (_, i) => addDays(from, i));
      const currencies = [...new Set(revenueRows.map((r) => r.currency))].sort();
      if (currencies.length === 0) currencies.push(deps.defaultCurrency ?? "USD");
      const revenue = currencies.map((currency): RevenueSeries => {
        const byDay = new Map<LocalDate, number>();
        for (const r of revenueRows) if (r.currency === currency) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.amountMinor);
        const series = days.map((day) => ({ day, amountMinor: byDay.get(day) ?? 0 }));
        return {
          currency,
          todayMinor: series.at(-1)!.amountMinor,
          totalMinor: series.reduce((n, d) => n + d.amountMinor, 0),
          days: series,
        };
      });

      return {
        timeZone: deps.timeZone,
        today,
        generatedAt: now,
        ordersToday,
        ordersTodayTotal: ordersToday.reduce((n, s) => n + s.count, 0),
        revenue,
        lowStock,
        processedEvents,
        deadLetters,
      };
    },
  };
}

export type AdminDashboard = ReturnType<typeof makeAdminDashboard>;
