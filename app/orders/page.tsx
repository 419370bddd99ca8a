import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { Price } from "@/components/money";
import { OrderStatusBadge } from "@/components/order-status";

export const metadata: Metadata = { title: "Your orders" };
export const dynamic = "force-dynamic";

export default async function OrdersPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=/orders");
  const orders = await getServices().orders.listForUser(user.id);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Your orders</h1>
      {orders.length === 0 ? (
        <p className="mt-4 text-slate-600">No orders yet.</p>
      ) : (
        <ul className="mt-4 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {orders.map((o) => (
            <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 p-4">
              <Link href={`/orders/${o.id}`} className="font-mono text-sm underline">
                {o.id.slice(0, 8)}
              </Link>
              <span className="text-sm text-slate-600">{o.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</span>
              <OrderStatusBadge status={o.status} reason={o.cancellationReason} />
              <Price value={o.total} className="font-semibold" />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
