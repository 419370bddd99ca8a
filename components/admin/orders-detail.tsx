import type { AdminOrderDetail } from "@/lib/application/admin/orders";
import { describeStatusChange } from "@/lib/domain/order";
import { PAYMENT_STATE_LABELS } from "@/lib/domain/payment";
import { Price } from "@/components/money";

const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;

export function OrderPayments({ payments }: { payments: AdminOrderDetail["payments"] }) {
  return (
    <section aria-labelledby="payments-heading">
      <h2 id="payments-heading" className="text-lg font-semibold">
        Payment
      </h2>
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
