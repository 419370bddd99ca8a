import { formatMoney } from "@/lib/domain/money";
import { describeStatusChange, type OrderStatusChange } from "@/lib/domain/order";
import type { RefundEntry } from "@/lib/domain/payment";

interface Entry {
  at: Date;
  text: string;
  refund: boolean;
}

/**
 * The order's history for the shopper: every status change and every refund,
 * oldest first. A cancellation's refund is opened by the cancellation itself,
 * in the same transaction, so it is listed at the cancellation's time, after it,
 * even when its own time reads a moment earlier (the two are stamped by the
 * application's clock and the database's). Ties keep status changes first.
 */
export function OrderHistory({ timeline, refunds }: { timeline: readonly OrderStatusChange[]; refunds: readonly RefundEntry[] }) {
  const cancelledAt = timeline.find((change) => change.status === "cancelled")?.at.getTime() ?? 0;
  const entries: Entry[] = [
    ...timeline.map((change) => ({ at: change.at, text: describeStatusChange(change), refund: false })),
    ...refunds.map((r) => ({
      at: r.reason === "cancellation" && r.at.getTime() < cancelledAt ? new Date(cancelledAt) : r.at,
      text: `Refund of ${formatMoney(r.amount)} — ${r.state === "succeeded" ? "refunded" : "being refunded"}`,
      refund: true,
    })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return (
    <section aria-labelledby="timeline-heading" className="mt-6">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline
      </h2>
      <ol className="mt-2 flex flex-col gap-1 text-sm" data-testid="timeline">
        {entries.map((entry, i) => (
          <li key={i} className="flex gap-3" data-testid={entry.refund ? "timeline-refund" : undefined}>
            <time dateTime={entry.at.toISOString()} className="shrink-0 whitespace-nowrap text-slate-500">
              {entry.at.toISOString().slice(0, 19).replace("T", " ")} UTC
            </time>
            <span>{entry.text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
