import Link from "next/link";
import type { AdminOrderRow } from "@/lib/application/admin/orders";
import { Price } from "@/components/money";
import { OrderStatusBadge } from "@/components/order-status";

export function OrdersTable({ orders }: { orders: readonly AdminOrderRow[] }) {
  if (orders.length === 0) return <p className="text-slate-600">No orders match these filters.</p>;
  return (
    <table className="w-full border-collapse overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
      <caption className="sr-only">Orders, newest first</caption>
      <thead className="bg-slate-50 text-left">
        <tr>
          <th scope="col" className="p-2">
            Order
          </th>
          <th scope="col" className="p-2">
            Placed (UTC)
          </th>
          <th scope="col" className="p-2">
            Customer
          </th>
          <th scope="col" className="p-2">
            Status
          </th>
          <th scope="col" className="p-2 text-right">
            Total
          </th>
        </tr>
      </thead>
      <tbody>
        {orders.map((o) => (
          <tr key={o.id} className="border-t border-slate-200" data-testid="admin-order-row">
            <td className="p-2">
              <Link href={`/admin/orders/${o.id}`} className="font-mono text-indigo-700 underline" aria-label={`Order ${o.id.slice(0, 8)}`}>
                {o.id.slice(0, 8)}
              </Link>
            </td>
            <td className="p-2">
              <time dateTime={o.createdAt.toISOString()}>{o.createdAt.toISOString().slice(0, 16).replace("T", " ")}</time>
            </td>
            <td className="p-2">{o.customerEmail}</td>
            <td className="p-2">
              <OrderStatusBadge status={o.status} reason={null} />
              {o.refundDue ? <span className="ml-2 text-xs font-medium text-red-800">Refund due</span> : null}
            </td>
            <td className="p-2 text-right">
              <Price value={o.total} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
