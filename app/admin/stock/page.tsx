import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requireAdminPage } from "@/app/_lib/admin";
import { MAX_SEARCH_LENGTH } from "@/lib/application/admin/stock";
import { getServices } from "@/lib/composition/root";
import { AdminPager } from "@/components/admin/pager";
import { StockProductTable } from "@/components/admin/stock-product-table";

export const metadata: Metadata = { title: "Stock" };
export const dynamic = "force-dynamic";

const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1);
const queryParam = z.string().trim().max(MAX_SEARCH_LENGTH).catch("");

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function AdminStockPage({ searchParams }: { searchParams: SearchParams }) {
  const admin = await requireAdminPage("/admin/stock");
  const params = await searchParams;
  const q = queryParam.parse(first(params.q) ?? "");
  const page = pageParam.parse(first(params.page) ?? 1);
  const resultsPage = pageParam.parse(first(params.rpage) ?? 1);
  const stock = getServices().admin.stock;
  const [low, found] = await Promise.all([stock.lowStock(admin, page), q ? stock.search(admin, q, resultsPage) : Promise.resolve(null)]);
  const href = (extra: Record<string, string | number>) => {
    const sp = new URLSearchParams();
    if (q) sp.set("q", q);
    for (const [k, v] of Object.entries(extra)) if (v !== 1) sp.set(k, String(v));
    const s = sp.toString();
    return s ? `/admin/stock?${s}` : "/admin/stock";
  };

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold">Stock</h1>

      <section aria-labelledby="find-heading" className="space-y-3">
        <h2 id="find-heading" className="text-lg font-semibold">
          Find a product
        </h2>
        <form method="get" action="/admin/stock" role="search" className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor="stock-search" className="text-sm font-medium">
              Name or SKU
            </label>
            <input
              id="stock-search"
              name="q"
              type="search"
              defaultValue={q}
              maxLength={MAX_SEARCH_LENGTH}
              className="w-72 rounded border border-slate-300 px-3 py-2"
            />
          </div>
          <button type="submit" className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
            Search
          </button>
          {q ? (
            <Link href="/admin/stock" className="px-2 py-2 text-sm text-indigo-700 underline">
              Clear
            </Link>
          ) : null}
        </form>
        {found ? (
          found.total === 0 ? (
            <p role="status" className="text-slate-600">
              No product matches “{q}”.
            </p>
          ) : (
            <>
              <p role="status" className="text-sm text-slate-600">
                {found.total} {found.total === 1 ? "product matches" : "products match"} “{q}”.
              </p>
              <StockProductTable products={found.items} caption={`Products matching ${q}`} testId="stock-search-results" />
              <AdminPager page={found.page} pageCount={found.pageCount} href={(p) => href({ page, rpage: p })} label="Search results pages" />
            </>
          )
        ) : null}
      </section>

      <section aria-labelledby="low-heading" className="space-y-3">
        <h2 id="low-heading" className="text-lg font-semibold">
          Low stock
        </h2>
        <p className="text-sm text-slate-600">
          Products on sale whose stock is at or below their own threshold, lowest first. Set a product’s threshold on its stock page.
        </p>
        {low.total === 0 ? (
          <p className="text-slate-600">Nothing is low on stock.</p>
        ) : (
          <>
            <StockProductTable products={low.items} caption="Products low on stock, lowest first" testId="low-stock" />
            <AdminPager page={low.page} pageCount={low.pageCount} href={(p) => href({ page: p, rpage: resultsPage })} label="Low stock pages" />
          </>
        )}
      </section>
    </div>
  );
}
