import type { AdminOrderDetail } from "@/lib/application/admin/orders";
import { describeStatusChange } from "@/lib/domain/order";
import { formatMoney } from "@/lib/domain/money";
import { PAYMENT_STATE_LABELS, refundableMinor, type OrderPayment, type RefundEntry, type RefundReason } from "@/lib/domain/payment";
import { Price } from "@/components/money";

const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

/** The order's money, every payment attempt (declines and reversals included) and every refund. */
export function OrderPayments({ payments, payment, currency }: { payments: AdminOrderDetail["payments"]; payment: OrderPayment; currency: string }) {
  return (
    <section aria-labelledby="payments-heading">
      <h2 id="payments-heading" className="text-lg font-semibold">
        Payment
      </h2>
      <OrderMoney payment={payment} currency={currency} />
      {payments.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No payment attempts.</p>
      ) : (
        <table className="mt-2 w-full text-left text-sm" data-testid="payments">
          <caption className="sr-only">Payment attempts, oldest first</caption>
          <thead>
            <tr className="border-b border-slate-200">
              <th scope="col" className="py-2">When</th>
              <th scope="col" className="py-2">Outcome</th>
              <th scope="col" className="py-2">Card</th>
              <th scope="col" className="py-2">Reference</th>
              <th scope="col" className="py-2 text-right">Amount</th>
            </tr>
          </thead>
          <tbody>
            {payments.map((p, i) => (
              <tr key={i} className="border-b border-slate-100">
                <td className="py-2">
                  <time dateTime={p.at.toISOString()}>{utc(p.at)}</time>
                </td>
                <td className="py-2">{PAYMENT_STATE_LABELS[p.state]}{p.state === "declined" && p.reason ? ` (${p.reason.replace(/_/g, " ")})` : ""}</td>
                <td className="py-2 font-mono">•••• {p.cardLast4}</td>
                <td className="py-2 font-mono">{p.reference ?? "—"}</td>
                <td className="py-2 text-right">
                  <Price value={p.amount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <OrderRefunds refunds={payment.refunds} />
    </section>
  );
}

export function OrderTimeline({ timeline }: { timeline: AdminOrderDetail["timeline"] }) {
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline
      </h2>
      <ol className="mt-2 flex flex-col gap-1 text-sm" data-testid="timeline">
        {timeline.map((change, i) => (
          <li key={i} className="flex flex-wrap gap-x-3">
            <time dateTime={change.at.toISOString()} className="shrink-0 whitespace-nowrap text-slate-500">
              {utc(change.at)}
            </time>
            <span>{describeStatusChange(change)}</span>
            <span className="text-slate-600">{change.actorEmail ? `by ${change.actorEmail}` : ""}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/**
 * The order's money at a glance, from the payment and refund rows: what the
 * charge took, what went back or is going back, and what is left to refund.
 */
function OrderMoney({ payment, currency }: { payment: OrderPayment; currency: string }) {
  const amount = (amountMinor: number) => formatMoney({ amountMinor, currency });
  const rows: [label: string, value: string, testId: string][] = [];
  if (payment.chargedMinor > 0) rows.push(["Charged", `${amount(payment.chargedMinor)} on card •••• ${payment.cardLast4}`, "money-charged"]);
  if (payment.refundedMinor > 0) rows.push(["Refunded", amount(payment.refundedMinor), "money-refunded"]);
  if (payment.refundingMinor > 0) rows.push(["Being refunded", amount(payment.refundingMinor), "money-refunding"]);
  if (payment.voidingMinor > 0) rows.push(["Charge not applied, being reversed", amount(payment.voidingMinor), "money-voiding"]);
  if (payment.voidedMinor > 0) rows.push(["Charge not applied, reversed", amount(payment.voidedMinor), "money-voided"]);
  if (payment.chargedMinor > 0) rows.push(["Left to refund", amount(refundableMinor(payment)), "money-left"]);
  if (rows.length === 0) return null;
  return (
    <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm" data-testid="order-money">
      {rows.map(([label, value, testId]) => (
        <div key={testId} className="contents">
          <dt className="text-slate-600">{label}</dt>
          <dd data-testid={testId}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

const REFUND_REASON_LABELS: Readonly<Record<RefundReason, string>> = {
  admin: "By the shop",
  cancellation: "Order cancelled",
};

function OrderRefunds({ refunds }: { refunds: readonly RefundEntry[] }) {
  if (refunds.length === 0) return null;
  return (
    <table className="mt-4 w-full text-left text-sm" data-testid="refunds">
      <caption className="text-left font-medium">Refunds, oldest first</caption>
      <thead>
        <tr className="border-b border-slate-200">
          <th scope="col" className="py-2">When</th>
          <th scope="col" className="py-2">State</th>
          <th scope="col" className="py-2">Why</th>
          <th scope="col" className="py-2 text-right">Amount</th>
        </tr>
      </thead>
      <tbody>
        {refunds.map((r) => (
          <tr key={r.id} className="border-b border-slate-100" data-testid="refund-row">
            <td className="py-2">
              <time dateTime={r.at.toISOString()}>{utc(r.at)}</time>
            </td>
            <td className="py-2">{r.state === "succeeded" ? "Refunded" : "Being refunded"}</td>
            <td className="py-2">{REFUND_REASON_LABELS[r.reason]}</td>
            <td className="py-2 text-right">
              <Price value={r.amount} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
