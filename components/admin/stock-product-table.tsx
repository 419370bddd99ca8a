import Link from "next/link";
import type { StockProduct } from "@/lib/application/admin/stock";

/** Products with their stock and threshold, each linking to its stock page. */
export function StockProductTable({ products, caption, testId }: { products: readonly StockProduct[]; caption: string; testId?: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Product
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              SKU
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Stock
            </th>
            <th scope="col" className="px-3 py-2 text-right font-medium">
              Low at or below
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {products.map((p) => (
            <tr key={p.id}>
              <th scope="row" className="px-3 py-2 font-normal">
                <Link href={`/admin/stock/${p.id}`} className="text-indigo-700 underline">
                  {p.name}
                </Link>
                {p.variantTitle ? <span className="ml-1 text-slate-600">— {p.variantTitle}</span> : null}
                {p.archived ? <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Archived</span> : null}
              </th>
              <td className="px-3 py-2 font-mono text-xs">{p.sku}</td>
              <td className={`px-3 py-2 text-right tabular-nums ${p.stock <= p.lowStockThreshold ? "font-semibold text-red-700" : ""}`}>{p.stock}</td>
              <td className="px-3 py-2 text-right tabular-nums">{p.lowStockThreshold}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
