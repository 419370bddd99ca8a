import type { Metadata } from "next";
import { requireAdminPage } from "../_lib/admin";
import { getServices } from "@/lib/composition/root";
import { formatMoney } from "@/lib/domain/money";
import { DashboardCards } from "@/components/admin/dashboard-cards";
import { DashboardDeadLetters, DashboardProcessedEvents } from "@/components/admin/dashboard-events";
import { formatDay, formatInstant } from "@/components/admin/dashboard-format";
import { DashboardLowStock } from "@/components/admin/dashboard-low-stock";
import { DashboardOrdersByStatus } from "@/components/admin/dashboard-orders-by-status";
import { DashboardRevenueChart } from "@/components/admin/dashboard-revenue-chart";
import { DashboardReconciliation, RECONCILIATION_LISTED } from "@/components/admin/dashboard-reconciliation";
import { webLogger } from "@/lib/composition/logger";
import { isAppError } from "@/lib/domain/errors";
import type { User } from "@/lib/domain/user";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

function Section({ id, title, children, note }: { id: string; title: string; children: React.ReactNode; note?: string }) {
  return (
    <section aria-labelledby={`${id}-heading`} className="space-y-3">
      <h2 id={`${id}-heading`} className="text-lg font-semibold">
        {title}
      </h2>
      {note ? <p className="text-sm text-slate-600">{note}</p> : null}
      {children}
    </section>
  );
}

export default async function AdminDashboardPage() {
  const admin = await requireAdminPage("/admin");
  const services = getServices();
  const [o, reconciliation] = await Promise.all([services.admin.dashboard.overview(admin), reconcile(admin)]);
  const money = (amountMinor: number, currency: string) => formatMoney({ amountMinor, currency });
  const [main] = o.revenue;

  return (
    <div className="space-y-8">
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Dashboard</h1>
        <p className="text-sm text-slate-600">
          Today is {formatDay(o.today, true)} in the shop&apos;s time zone ({o.timeZone}). Figures as of{" "}
          <time dateTime={o.generatedAt.toISOString()}>{formatInstant(o.generatedAt, o.timeZone)}</time>; reload for newer ones.
        </p>
      </div>

      <DashboardCards
        cards={[
          { label: "Orders today", value: String(o.ordersTodayTotal), testId: "orders-today-total" },
          ...o.revenue.flatMap((r) => [
            {
              label: o.revenue.length > 1 ? `Revenue today (${r.currency})` : "Revenue today",
              value: money(r.todayMinor, r.currency),
              hint: "Paid, shipped and completed orders, by the day they were paid",
              testId: o.revenue.length > 1 ? `revenue-today-${r.currency}` : "revenue-today",
            },
            {
              label: o.revenue.length > 1 ? `Revenue, last ${r.days.length} days (${r.currency})` : `Revenue, last ${r.days.length} days`,
              value: money(r.totalMinor, r.currency),
              testId: o.revenue.length > 1 ? `revenue-period-${r.currency}` : "revenue-period",
            },
          ]),
          { label: "Low on stock", value: String(o.lowStock.total), testId: "low-stock-total" },
        ]}
      />

      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Section id="orders-today" title="Today's orders by status" note="Orders placed today, by where they are now.">
          <DashboardOrdersByStatus rows={o.ordersToday} total={o.ordersTodayTotal} />
        </Section>
        <Section id="revenue" title={`Revenue, last ${main?.days.length ?? 0} days`} note="Paid, shipped and completed orders, by the day they were paid.">
          {o.revenue.map((r) => (
            <DashboardRevenueChart key={r.currency} series={r} />
          ))}
        </Section>
      </div>

      <Section id="low-stock" title="Low stock" note="Products on sale at or below their own low-stock threshold, lowest first.">
        <DashboardLowStock products={o.lowStock.products} total={o.lowStock.total} />
      </Section>

      <Section
        id="reconciliation"
        title="Payments reconciliation"
        note="What the card processor holds for each order (charged, less reversals and refunds) against what the shop's records say it holds."
      >
        <DashboardReconciliation result={reconciliation?.result ?? null} currencyOf={reconciliation?.currencyOf ?? new Map()} timeZone={o.timeZone} />
      </Section>

      <Section id="dead-letters" title="Dead letters" note="Messages the worker could not read. They were set aside on the topic's .dlq topic so the rest kept flowing.">
        <DashboardDeadLetters entries={o.deadLetters.entries} total={o.deadLetters.total} timeZone={o.timeZone} />
      </Section>

      <Section id="processed-events" title="Recently processed events" note={`The last ${o.processedEvents.length || 20} events the worker handled, newest first.`}>
        <DashboardProcessedEvents events={o.processedEvents} timeZone={o.timeZone} />
      </Section>
    </div>
  );
}

/**
 * The processor's books against the shop's, with the currencies of the orders
 * the tile lists. A processor that cannot be read leaves the rest of the
 * dashboard standing: the tile says so (null) and the cause is logged.
 */
async function reconcile(admin: User) {
  const services = getServices();
  try {
    const result = await services.admin.reconcilePayments(admin, {});
    const listed = await Promise.all(
      result.differences.slice(0, RECONCILIATION_LISTED).map(async (d) => {
        try {
          return [d.orderId, (await services.admin.orders.get(admin, d.orderId)).order.total.currency] as const;
        } catch (error) {
          // An order the processor knows and the shop does not: listed without a currency.
          if (isAppError(error, "not_found")) return null;
          throw error;
        }
      }),
    );
    return { result, currencyOf: new Map(listed.filter((e) => e !== null)) };
  } catch (error) {
    if (isAppError(error, "forbidden") || isAppError(error, "unauthenticated")) throw error;
    webLogger().error("payments reconciliation failed", { err: error });
    return null;
  }
}
