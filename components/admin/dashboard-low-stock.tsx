import Link from "next/link";
import type { LowStockProduct } from "@/lib/application/admin/dashboard";

/** Products on sale at or below their low-stock threshold, lowest stock first, each linking to its stock page. */
export function DashboardLowStock({ products, total }: { products: readonly LowStockProduct[]; total: number }) {
  if (total === 0) return <p className="text-slate-600">Nothing is low on stock.</p>;
  return (
    <div className="space-y-2">
      <table className="w-full border-collapse text-sm" data-testid="dashboard-low-stock">
        <caption className="sr-only">Products low on stock, lowest first</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left">
            <th scope="col" className="py-2 pr-4 font-medium">
              Product
            </th>
            <th scope="col" className="py-2 pr-4 font-medium">
              SKU
            </th>
            <th scope="col" className="py-2 pr-4 text-right font-medium">
              Stock
            </th>
            <th scope="col" className="py-2 text-right font-medium">
              Threshold
            </th>
          </tr>
        </thead>
        <tbody>
          {products.map((p) => (
            <tr key={p.id} className="border-b border-slate-100">
              <th scope="row" className="py-1.5 pr-4 text-left font-normal">
                <Link href={`/admin/stock/${p.id}`} className="text-indigo-700 underline">
                  {p.name}
                </Link>
              </th>
              <td className="py-1.5 pr-4 font-mono text-xs">{p.sku}</td>
              <td className={`py-1.5 pr-4 text-right tabular-nums ${p.stock === 0 ? "font-semibold text-red-700" : ""}`}>{p.stock}</td>
              <td className="py-1.5 text-right tabular-nums">{p.lowStockThreshold}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > products.length ? (
        <p className="text-sm text-slate-600">
          Showing {products.length} of {total}.{" "}
          <Link href="/admin/stock" className="text-indigo-700 underline">
            All low-stock products
          </Link>
        </p>
      ) : null}
    </div>
  );
}
