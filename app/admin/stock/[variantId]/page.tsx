import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { requireAdminPage } from "@/app/_lib/admin";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { StockAdjustForm } from "@/components/admin/stock-adjust-form";
import { StockLedgerTable } from "@/components/admin/stock-ledger-table";
import { AdminPager } from "@/components/admin/pager";
import { StockThresholdForm } from "@/components/admin/stock-threshold-form";
import { adjustStockAction, setThresholdAction } from "../actions";

export const metadata: Metadata = { title: "Product stock" };
export const dynamic = "force-dynamic";

const pageParam = z.coerce.number().int().min(1).max(10_000).catch(1);

type Props = { params: Promise<{ variantId: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AdminProductStockPage({ params, searchParams }: Props) {
  const { variantId } = await params;
  const admin = await requireAdminPage(`/admin/stock/${encodeURIComponent(variantId)}`);
  if (!z.uuid().safeParse(variantId).success) notFound();
  const raw = (await searchParams).page;
  const page = pageParam.parse(Array.isArray(raw) ? raw[0] : (raw ?? 1));
  let view;
  try {
    view = await getServices().admin.stock.ledger(admin, variantId, page);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
  const { product, entries } = view;
  const low = product.stock <= product.lowStockThreshold;

  return (
    <div className="space-y-8">
      <div>
        <p className="text-sm">
          <Link href="/admin/stock" className="text-indigo-700 underline">
            ← Stock
          </Link>
        </p>
        <h1 className="mt-2 text-2xl font-semibold">
          {product.name}
          {product.variantTitle ? <span className="font-normal text-slate-600"> — {product.variantTitle}</span> : null}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          SKU <span className="font-mono">{product.sku}</span>
          {product.archived ? (
            <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-700">Archived: not shown in the shop</span>
          ) : (
            <>
              {" · "}
              <Link href={`/products/${product.slug}`} className="text-indigo-700 underline">
                View in the shop
              </Link>
            </>
          )}
        </p>
        <dl className="mt-4 flex flex-wrap gap-8">
          <div>
            <dt className="text-sm text-slate-600">In stock (available to sell)</dt>
            <dd className={`text-3xl font-semibold tabular-nums ${low ? "text-red-700" : ""}`} data-testid="current-stock">
              {product.stock}
            </dd>
          </div>
          <div>
            <dt className="text-sm text-slate-600">Low at or below</dt>
            <dd className="text-3xl font-semibold tabular-nums" data-testid="current-threshold">
              {product.lowStockThreshold}
            </dd>
          </div>
        </dl>
        {low ? <p className="mt-2 text-sm font-medium text-red-700">This item is low on stock.</p> : null}
      </div>

      <div className="grid gap-8 md:grid-cols-2">
        <section className="rounded-lg border border-slate-200 bg-white p-6">
          <StockAdjustForm variantId={product.id} action={adjustStockAction} />
        </section>
        <section className="rounded-lg border border-slate-200 bg-white p-6">
          <StockThresholdForm variantId={product.id} threshold={product.lowStockThreshold} action={setThresholdAction} />
        </section>
      </div>

      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-lg font-semibold">
          History
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">
          Every change of this item’s stock, newest first; the stock always equals the sum of these changes. Stock counts units still
          available to sell: an order takes its units when it is reserved and a cancelled or expired order gives them back. A sale
          (payment) moves no stock, because its units already left at reservation, so sales have no rows of their own.
        </p>
        <StockLedgerTable entries={entries.items} />
        <AdminPager page={entries.page} pageCount={entries.pageCount} href={(p) => `/admin/stock/${product.id}${p > 1 ? `?page=${p}` : ""}`} label="History pages" />
      </section>
    </div>
  );
}
