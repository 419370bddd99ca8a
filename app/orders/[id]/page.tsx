import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { getCurrentUser } from "@/app/_lib/auth";
import { OrderSummary } from "@/components/order-summary";
import { ShippingAddressBlock } from "@/components/shipping-address";
import { OrderStatusBadge } from "@/components/order-status";
import { AutoRefresh } from "@/components/auto-refresh";
import { CancelOrderForm } from "./cancel-order-form";
import { PayOrderForm } from "./pay-order-form";
import { OrderHistory } from "@/components/order-history";
import { OrderPaymentPanel } from "@/components/order-payment";
import { shopperCanCancel } from "@/lib/domain/order";

export const metadata: Metadata = { title: "Order" };
export const dynamic = "force-dynamic";

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await getCurrentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orders/${id}`)}`);
  if (!z.uuid().safeParse(id).success) notFound();
  let order;
  try {
    order = await getServices().orders.getForUser(user.id, id);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
  return (
    <article className="rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-2xl font-semibold">
        Order <span className="font-mono text-lg">{order.id.slice(0, 8)}</span>
      </h1>
      <p className="mt-2" aria-live="polite">
        Status: <OrderStatusBadge status={order.status} reason={order.cancellationReason} />
      </p>
      {order.status === "pending" ? (
        <p className="mt-1 text-sm text-slate-600">We are reserving your items; this page updates by itself.</p>
      ) : null}
      {/* The worker decides a pending order within moments; follow it until then. */}
      <AutoRefresh active={order.status === "pending"} />
      {/* Refunds and reversals are confirmed by the processor, usually within seconds: follow them too, less often. */}
      <AutoRefresh active={order.payment.refundingMinor > 0 || order.payment.voidingMinor > 0} intervalMs={5000} />
      {/* A payment (from this tab or another) is with the processor: its answer is a moment away. */}
      <AutoRefresh active={order.payment.inFlight} intervalMs={1000} />
      <div className="mt-6 grid gap-6 md:grid-cols-[3fr_2fr]">
        <OrderSummary caption="Items in this order" lines={order.lines} totals={order} />
        {order.shipTo ? (
          <section aria-labelledby="ship-to-heading">
            <h2 id="ship-to-heading" className="text-lg font-semibold">
              Shipping to
            </h2>
            <ShippingAddressBlock address={order.shipTo} />
          </section>
        ) : null}
      </div>
      {order.trackingReference ? (
        <p className="mt-1 text-sm text-slate-700">
          Shipped — tracking reference <span className="font-mono" data-testid="tracking-reference">{order.trackingReference}</span>
        </p>
      ) : null}
      <OrderPaymentPanel payment={order.payment} paidAt={order.paidAt} currency={order.total.currency} />
      {order.status === "stock_reserved" ? (
        <div className="mt-6">
          <PayOrderForm orderId={order.id} paymentKey={randomUUID()} reservedUntil={order.reservedUntil?.toISOString() ?? null} />
        </div>
      ) : null}
      <OrderHistory timeline={order.timeline} refunds={order.payment.refunds} />
      {shopperCanCancel(order.status) ? (
        <div className="mt-6">
          <CancelOrderForm orderId={order.id} />
        </div>
      ) : null}
    </article>
  );
}
