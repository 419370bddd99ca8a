import type { Metadata } from "next";
import Link from "next/link";
import { randomUUID } from "node:crypto";
import { notFound } from "next/navigation";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { isAppError } from "@/lib/domain/errors";
import { adminTransitions } from "@/lib/domain/order";
import { OrderSummary } from "@/components/order-summary";
import { ShippingAddressBlock } from "@/components/shipping-address";
import { OrderStatusBadge } from "@/components/order-status";
import { OrderActions } from "@/components/admin/orders-actions";
import { OrderPayments, OrderTimeline } from "@/components/admin/orders-detail";
import { OrderRefundForm } from "@/components/admin/orders-refund-form";
import { formatMoney } from "@/lib/domain/money";
import { refundableMinor } from "@/lib/domain/payment";
import { orderTransitionAction, refundOrderAction } from "./actions";
import { majorUnitsText } from "@/lib/domain/money";

export const metadata: Metadata = { title: "Order" };
export const dynamic = "force-dynamic";

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const admin = await requireAdminPage(`/admin/orders/${encodeURIComponent(id)}`);
  let detail;
  try {
    detail = await getServices().admin.orders.get(admin, id);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
  const { order, customer, payments, timeline } = detail;
  const currency = order.total.currency;
  const money = (amountMinor: number) => formatMoney({ amountMinor, currency });
  // What the cancelled order still holds of the shopper's money (refundDue's own rule).
  const owed = order.payment.chargedMinor - order.payment.refundedMinor;
  const left = refundableMinor(order.payment);
  return (
    <article className="space-y-6 rounded-lg border border-slate-200 bg-white p-6">
      <p className="text-sm">
        <Link href="/admin/orders" className="text-indigo-700 underline">
          All orders
        </Link>
      </p>
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">
          Order <span className="font-mono text-lg">{order.id.slice(0, 8)}</span>
        </h1>
        <p>
          Status: <OrderStatusBadge status={order.status} reason={order.cancellationReason} />
          {order.refundDue ? (
            <strong className="ml-3 text-sm text-red-800" data-testid="refund-due">
              Refund due: {money(owed)}
              {order.payment.refundingMinor >= owed ? " (being refunded)" : order.payment.refundingMinor > 0 ? ` (${money(order.payment.refundingMinor)} being refunded)` : ""}
            </strong>
          ) : null}
        </p>
        <p className="text-sm text-slate-600">
          Placed <time dateTime={order.createdAt.toISOString()}>{order.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC</time> by{" "}
          <span data-testid="customer">
            {customer.name} &lt;{customer.email}&gt;
          </span>
        </p>
        {order.trackingReference ? (
          <p className="text-sm">
            Tracking reference: <span className="font-mono" data-testid="tracking-reference">{order.trackingReference}</span>
          </p>
        ) : null}
      </header>
      <div className="grid gap-6 md:grid-cols-[3fr_2fr]">
        <OrderSummary caption="Items in this order" lines={order.lines} totals={order} />
        <section aria-labelledby="ship-to-heading">
          <h2 id="ship-to-heading" className="text-lg font-semibold">
            Shipping to
          </h2>
          {order.shipTo ? <ShippingAddressBlock address={order.shipTo} /> : <p className="text-sm text-slate-600">No address recorded.</p>}
        </section>
      </div>
      <OrderPayments payments={payments} payment={order.payment} currency={currency} />
      {order.payment.chargedMinor > 0 ? (
        <OrderRefundForm
          orderId={order.id}
          requestKey={randomUUID()}
          currency={currency}
          leftText={left > 0 ? money(left) : null}
          defaultAmount={majorUnitsText(left, currency)}
          action={refundOrderAction}
        />
      ) : null}
      <OrderTimeline timeline={timeline} />
      <OrderActions orderId={order.id} version={order.version} allowed={adminTransitions(order.status)} action={orderTransitionAction} />
    </article>
  );
}
