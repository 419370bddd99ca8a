import { ORDER_STATUS_LABELS, type OrderStatus } from "@/lib/domain/order";

/** Today's orders, one row per status (zeros included), with the day's total. */
export function DashboardOrdersByStatus({ rows, total }: { rows: readonly { status: OrderStatus; count: number }[]; total: number }) {
  return (
    <table className="w-full max-w-md border-collapse text-sm" data-testid="orders-today">
      <caption className="sr-only">Orders placed today, by status</caption>
      <thead>
        <tr className="border-b border-slate-200 text-left">
          <th scope="col" className="py-2 pr-4 font-medium">
            Status
          </th>
          <th scope="col" className="py-2 text-right font-medium">
            Orders
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.status} className="border-b border-slate-100" data-testid={`orders-today-${r.status}`}>
            <th scope="row" className="py-1.5 pr-4 text-left font-normal">
              {ORDER_STATUS_LABELS[r.status]}
            </th>
            <td className="py-1.5 text-right tabular-nums">{r.count}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" className="py-2 pr-4 text-left font-semibold">
            All
          </th>
          <td className="py-2 text-right font-semibold tabular-nums">{total}</td>
        </tr>
      </tfoot>
    </table>
  );
}
