import Link from "next/link";
import { REASON_LABELS, type LedgerEntry } from "@/lib/application/admin/stock";

function signed(n: number): string {
  return n > 0 ? `+${n}` : `−${Math.abs(n)}`;
}

/** A product's stock ledger, newest first: when, what, who, the change and the stock after it. */
export function StockLedgerTable({ entries }: { entries: readonly LedgerEntry[] }) {
  if (entries.length === 0) return <p className="text-slate-600">No stock movements yet.</p>;
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="stock-ledger">
        <caption className="sr-only">Stock movements, newest first</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              When
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              What
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Who
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Change
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Stock after
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Note
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {entries.map((e) => (
            <tr key={e.id}>
              <td className="whitespace-nowrap px-3 py-2 text-slate-600">
                <time dateTime={e.at.toISOString()}>{e.at.toISOString().slice(0, 19).replace("T", " ")} UTC</time>
              </td>
              <td className="px-3 py-2">
                {REASON_LABELS[e.reason]}
                {e.orderId ? (
                  <>
                    {" "}
                    <Link href={`/admin/orders/${e.orderId}`} className="font-mono text-indigo-700 underline" aria-label={`Order ${e.orderId.slice(0, 8)}`}>
                      {e.orderId.slice(0, 8)}
                    </Link>
                  </>
                ) : null}
              </td>
              <td className="px-3 py-2">{e.actorEmail ?? (e.orderId ? "Shopper's order" : "System")}</td>
              <td className={`px-3 py-2 text-right tabular-nums ${e.delta < 0 ? "text-red-700" : "text-green-800"}`}>{signed(e.delta)}</td>
              <td className="px-3 py-2 text-right tabular-nums">{e.stockAfter}</td>
              <td className="px-3 py-2 text-slate-700">{e.note ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
