import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { OrderList } from "@/components/order-list";
import { ChangePasswordForm, SignOutEverywhereForm } from "./security-forms";

export const metadata: Metadata = { title: "Your account" };
export const dynamic = "force-dynamic";

export default async function AccountPage() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin?callbackUrl=%2Faccount");
  const orders = await getServices().orders.listForUser(user.id);
  return (
    <section className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold">Your account</h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded-lg border border-slate-200 bg-white p-4">
        <dt className="font-medium">Name</dt>
        <dd>{user.name}</dd>
        <dt className="font-medium">Email</dt>
        <dd>{user.email}</dd>
      </dl>
      <div>
        <h2 className="text-xl font-semibold">Recent orders</h2>
        <OrderList orders={orders.slice(0, 5)} />
        {orders.length > 5 ? (
          <Link href="/orders" className="mt-2 inline-block text-indigo-700 underline">
            All orders
          </Link>
        ) : null}
      </div>
      <ChangePasswordForm />
      <SignOutEverywhereForm />
    </section>
  );
}
