import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { PRODUCT_STATUSES, STOCK_FILTERS } from "@/lib/application/admin/products/model";
import { AdminPager } from "@/components/admin/pager";
import { ProductsTable } from "@/components/admin/products-list";

export const metadata: Metadata = { title: "Products" };
export const dynamic = "force-dynamic";

// Unknown or malformed filters are dropped (a shared link never breaks the page).
const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const filtersSchema = z.object({
  q: z.preprocess(one, z.string().max(100).optional()).catch(undefined),
  category: z.preprocess(one, z.uuid().optional()).catch(undefined),
  status: z.preprocess(one, z.enum(PRODUCT_STATUSES).optional()).catch(undefined),
  stock: z.preprocess(one, z.enum(STOCK_FILTERS).optional()).catch(undefined),
  page: z.preprocess(one, z.coerce.number().int().min(1).max(10_000).optional()).catch(undefined),
});

type Filters = z.infer<typeof filtersSchema>;

function href(f: Filters, page: number): string {
  const params = new URLSearchParams();
  if (f.q) params.set("q", f.q);
  if (f.category) params.set("category", f.category);
  if (f.status) params.set("status", f.status);
  if (f.stock) params.set("stock", f.stock);
  if (page > 1) params.set("page", String(page));
  const s = params.toString();
  return s ? `/admin/products?${s}` : "/admin/products";
}

const selectClass = "rounded border border-slate-300 bg-white px-3 py-2";

export default async function AdminProductsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const admin = await requireAdminPage("/admin/products");
  const filters = filtersSchema.parse(await searchParams);
  const services = getServices();
  const [result, categories] = await Promise.all([
    services.admin.products.list(admin, { q: filters.q, category: filters.category, status: filters.status, stock: filters.stock, page: filters.page }),
    services.admin.products.categories(admin),
  ]);

  return (
    <section aria-labelledby="products-heading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="products-heading" className="text-2xl font-semibold">
          Products
        </h1>
        <Link href="/admin/products/new" className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
          New product
        </Link>
      </div>
      <form method="get" action="/admin/products" role="search" aria-label="Filter products" className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-q" className="text-sm font-medium">
            Name or SKU
          </label>
          <input id="filter-q" name="q" type="search" maxLength={100} defaultValue={filters.q ?? ""} className="rounded border border-slate-300 px-3 py-2" />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-category" className="text-sm font-medium">
            Category
          </label>
          <select id="filter-category" name="category" defaultValue={filters.category ?? ""} className={selectClass}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-status" className="text-sm font-medium">
            Status
          </label>
          <select id="filter-status" name="status" defaultValue={filters.status ?? "active"} className={selectClass}>
            <option value="active">Active</option>
            <option value="archived">Archived</option>
            <option value="all">All</option>
          </select>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="filter-stock" className="text-sm font-medium">
            Stock
          </label>
          <select id="filter-stock" name="stock" defaultValue={filters.stock ?? ""} className={selectClass}>
            <option value="">Any stock</option>
            <option value="in">Above its low-stock threshold</option>
            <option value="low">Low (at or below its threshold)</option>
            <option value="out">Out of stock</option>
          </select>
        </div>
        <button type="submit" className="rounded border border-slate-300 px-4 py-2 hover:bg-slate-100">
          Apply
        </button>
      </form>
      <p className="text-sm text-slate-600" role="status">
        {result.total === 1 ? "1 product" : `${result.total} products`}
      </p>
      <ProductsTable items={result.items} />
      <AdminPager page={result.page} pageCount={result.pageCount} href={(p) => href(filters, p)} label="Pagination" />
    </section>
  );
}
