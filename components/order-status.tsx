import { CANCELLATION_REASON_LABELS, ORDER_STATUS_LABELS, type CancellationReason, type OrderStatus } from "@/lib/domain/order";

const TONE: Record<OrderStatus, string> = {
  pending: "bg-amber-100 text-amber-900",
  stock_reserved: "bg-sky-100 text-sky-900",
  paid: "bg-emerald-100 text-emerald-900",
  shipped: "bg-indigo-100 text-indigo-900",
  completed: "bg-slate-200 text-slate-900",
  cancelled: "bg-red-100 text-red-900",
};

export function OrderStatusBadge({ status, reason }: { status: OrderStatus; reason: CancellationReason | null }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-sm font-medium ${TONE[status]}`} data-testid="order-status">
      {ORDER_STATUS_LABELS[status]}
      {status === "cancelled" && reason ? ` — ${CANCELLATION_REASON_LABELS[reason]}` : ""}
    </span>
  );
}
