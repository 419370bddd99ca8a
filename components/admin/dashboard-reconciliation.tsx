import Link from "next/link";
import type { Reconciliation } from "@/lib/application/payments/reconcile-payments";
import { formatMoney } from "@/lib/domain/money";
import { formatInstant } from "./dashboard-format";

/** How many differing orders the tile lists; the count says how many there are in all. */
export const RECONCILIATION_LISTED = 5;

/**
 * The card processor's books against the shop's: how many orders were
 * compared, how many are still settling (compared once they settle), and the
 * orders whose money differs, each linking to its page.
 * `currencyOf` gives the listed orders' currencies (absent: an order the shop
 * does not know, shown in minor units).
 */
export function DashboardReconciliation({
  result,
  currencyOf,
  timeZone,
}: {
  result: Reconciliation | null;
  currencyOf: ReadonlyMap<string, string>;
  timeZone: string;
}) {
  if (!result) {
    return (
      <p role="alert" className="text-sm text-red-700">
        The processor&apos;s books could not be read just now; reload to try again.
      </p>
    );
  }
  const count = result.differences.length;
  const figures = [
    { label: "Differences", value: count, testId: "reconciliation-differences" },
    { label: "Orders checked", value: result.checkedOrders, testId: "reconciliation-checked" },
    { label: "Orders settling", value: result.settlingOrders, testId: "reconciliation-settling" },
  ];
  const amount = (orderId: string, minor: number) => {
    const currency = currencyOf.get(orderId);
    return currency ? formatMoney({ amountMinor: minor, currency }) : `${minor} (minor units)`;
  };
  return (
    <div className="space-y-3" data-testid="reconciliation">
      <p className="text-sm text-slate-600">
        Orders with payments since <time dateTime={result.since.toISOString()}>{formatInstant(result.since, timeZone)}</time>.
      </p>
      <ul className="grid grid-cols-3 gap-3" aria-label="Reconciliation figures">
        {figures.map((f) => (
          <li key={f.testId} className="rounded-lg border border-slate-200 bg-white p-4">
            <p className="text-sm text-slate-600">{f.label}</p>
            <p className={`mt-1 text-2xl font-semibold tabular-nums ${f.testId === "reconciliation-differences" && count > 0 ? "text-red-700" : ""}`} data-testid={f.testId}>
              {f.value}
            </p>
          </li>
        ))}
      </ul>
      {count === 0 ? (
        <p className="font-medium text-emerald-800" data-testid="reconciliation-agree">
          Processor and shop agree.
        </p>
      ) : (
        <>
          <table className="w-full border-collapse text-sm" data-testid="reconciliation-differences-list">
            <caption className="sr-only">Orders whose money differs between the processor and the shop</caption>
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="py-2 pr-4 font-medium">
                  Order
                </th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">
                  The shop holds
                </th>
                <th scope="col" className="py-2 text-right font-medium">
                  The processor holds
                </th>
              </tr>
            </thead>
            <tbody>
              {result.differences.slice(0, RECONCILIATION_LISTED).map((d) => (
                <tr key={d.orderId} className="border-b border-slate-100">
                  <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                    <Link href={`/admin/orders/${d.orderId}`} className="font-mono text-indigo-700 underline" aria-label={`Order ${d.orderId.slice(0, 8)}`}>
                      {d.orderId.slice(0, 8)}
                    </Link>
                  </th>
                  <td className="py-1.5 pr-4 text-right tabular-nums">{amount(d.orderId, d.shopMinor)}</td>
                  <td className="py-1.5 text-right tabular-nums">{amount(d.orderId, d.processorMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {count > RECONCILIATION_LISTED ? (
            <p className="text-sm text-slate-600">
              Showing {RECONCILIATION_LISTED} of {count}.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
