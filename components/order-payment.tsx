import { formatMoney } from "@/lib/domain/money";
import type { OrderPayment } from "@/lib/domain/payment";

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/**
 * Where the order's money stands, one sentence per kind of row: each sentence
 * is backed by refund or void rows, so nothing is promised that no row records.
 */
export function moneyStatements(payment: OrderPayment, currency: string): string[] {
  const amount = (amountMinor: number) => formatMoney({ amountMinor, currency });
  const out: string[] = [];
  if (payment.refundedMinor > 0) {
    out.push(payment.refundedMinor >= payment.chargedMinor ? "Refunded in full." : `${amount(payment.refundedMinor)} refunded.`);
  }
  if (payment.refundingMinor > 0) out.push(`A refund of ${amount(payment.refundingMinor)} is on its way.`);
  if (payment.voidingMinor > 0) out.push(`A charge of ${amount(payment.voidingMinor)} that could not be applied is being reversed.`);
  if (payment.voidedMinor > 0) out.push(`A charge of ${amount(payment.voidedMinor)} that could not be applied was reversed.`);
  return out;
}

/**
 * The shopper's record of payment: shown whenever a charge paid the order, so
 * a successful payment stays visible after the pay form is gone, and whenever
 * money is being given back.
 */
export function OrderPaymentPanel({ payment, paidAt, currency }: { payment: OrderPayment; paidAt: Date | null; currency: string }) {
  const statements = moneyStatements(payment, currency);
  if (payment.chargedMinor === 0 && statements.length === 0) return null;
  return (
    <section aria-labelledby="payment-heading" className="mt-6 rounded-lg border border-emerald-200 bg-emerald-50 p-4" data-testid="order-payment">
      <h2 id="payment-heading" className="text-lg font-semibold">
        {payment.chargedMinor > 0 ? "Payment received" : "Payment"}
      </h2>
      {payment.chargedMinor > 0 ? (
        <p className="mt-1 text-sm" data-testid="payment-received">
          {formatMoney({ amountMinor: payment.chargedMinor, currency })} paid with card <span className="font-mono">•••• {payment.cardLast4}</span>
          {paidAt ? (
            <>
              {" "}
              on <time dateTime={paidAt.toISOString()}>{utc(paidAt)}</time>
            </>
          ) : null}
          .
        </p>
      ) : null}
      {statements.length > 0 ? (
        <ul className="mt-1 text-sm" data-testid="money-state">
          {statements.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
