import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { OrderList } from "@/components/order-list";

export const metadata: Metadata = { title: "Your orders" };
export const dynamic = "force-dynamic";

export default async function OrdersPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Forders");
  const orders = await getServices().orders.listForUser(user.id);
  return (
    <section>
      <h1 className="text-2xl font-semibold">Your orders</h1>
      <OrderList orders={orders} />
    </section>
  );
}
