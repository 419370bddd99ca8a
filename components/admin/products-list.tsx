import Link from "next/link";
import type { AdminProductSummary } from "@/lib/application/admin/products/model";
import { formatMoney } from "@/lib/domain/money";

function stockLabel(p: AdminProductSummary): string {
  if (p.stock === 0) return "Out of stock";
  if (p.stock <= p.lowStockThreshold) return `${p.stock} (low)`;
  return String(p.stock);
}

/** The back office's product table: one row per product, the name links to its edit page. */
export function ProductsTable({ items }: { items: readonly AdminProductSummary[] }) {
  if (items.length === 0) return <p className="text-sm text-slate-600">No products match these filters.</p>;
  return (
    <table className="w-full border-collapse text-left text-sm">
      <caption className="sr-only">Products</caption>
      <thead>
        <tr className="border-b border-slate-300">
          <th scope="col" className="py-2 pr-3">
            Name
          </th>
          <th scope="col" className="py-2 pr-3">
            SKU
          </th>
          <th scope="col" className="py-2 pr-3 text-right">
            Price
          </th>
          <th scope="col" className="py-2 pr-3 text-right">
            Stock
          </th>
          <th scope="col" className="py-2">
            Status
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((p) => (
          <tr key={p.id} className="border-b border-slate-200" data-testid="admin-product-row">
            <td className="py-2 pr-3">
              <Link href={`/admin/products/${p.id}`} className="text-indigo-700 underline">
                {p.name}
              </Link>
            </td>
            <td className="py-2 pr-3 font-mono">{p.sku}</td>
            <td className="py-2 pr-3 text-right">{formatMoney({ amountMinor: p.priceMinor, currency: p.currency })}</td>
            <td className="py-2 pr-3 text-right">{stockLabel(p)}</td>
            <td className="py-2">{p.archivedAt ? "Archived" : "Active"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
