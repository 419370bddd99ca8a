import { multiply } from "@/lib/domain/money";
import type { OrderLine } from "@/lib/domain/order";
import type { OrderTotals } from "@/lib/domain/shipping";
import { Price } from "./money";

/** Lines, subtotal, shipping and total: the review step and the order page show the same table. */
export function OrderSummary({ caption, lines, totals }: { caption: string; lines: readonly OrderLine[]; totals: OrderTotals }) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr className="border-b border-slate-200">
          <th scope="col" className="py-2">Item</th>
          <th scope="col" className="py-2">Quantity</th>
          <th scope="col" className="py-2 text-right">Price</th>
        </tr>
      </thead>
      <tbody>
        {lines.map((l) => (
          <tr key={l.variantId} className="border-b border-slate-100" data-testid="summary-line">
            <td className="py-2">
              {l.name}
              {l.variantTitle ? <span className="block text-sm text-slate-600">{l.variantTitle}</span> : null}
            </td>
            <td className="py-2">{l.quantity}</td>
            <td className="py-2 text-right">
              <Price value={multiply(l.unitPrice, l.quantity)} />
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colSpan={2} className="pt-3 pb-1 text-right font-normal">Subtotal</th>
          <td className="pt-3 pb-1 text-right" data-testid="summary-subtotal">
            <Price value={totals.subtotal} />
          </td>
        </tr>
        <tr>
          <th scope="row" colSpan={2} className="py-1 text-right font-normal">Shipping</th>
          <td className="py-1 text-right" data-testid="summary-shipping">
            {totals.shipping.amountMinor === 0 ? "Free" : <Price value={totals.shipping} />}
          </td>
        </tr>
        <tr>
          <th scope="row" colSpan={2} className="py-2 text-right">Total</th>
          <td className="py-2 text-right font-semibold" data-testid="summary-total">
            <Price value={totals.total} />
          </td>
        </tr>
      </tfoot>
    </table>
  );
}
