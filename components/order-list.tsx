import Link from "next/link";
import type { Order } from "@/lib/domain/order";
import { Price } from "./money";
import { OrderStatusBadge } from "./order-status";

export function OrderList({ orders }: { orders: readonly Order[] }) {
  if (orders.length === 0) return <p className="mt-4 text-slate-600">No orders yet.</p>;
  return (
    <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
      {orders.map((o) => (
        <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
          <Link href={`/orders/${o.id}`} className="font-mono text-sm underline" aria-label={`Order ${o.id.slice(0, 8)}`}>
            {o.id.slice(0, 8)}
          </Link>
          <span className="text-sm text-slate-600">{o.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
          <OrderStatusBadge status={o.status} reason={o.cancellationReason} />
          <Price value={o.total} className="font-semibold" />
        </li>
      ))}
    </ul>
  );
}
