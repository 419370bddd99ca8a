import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { availability } from "@/lib/domain/catalog";
import { getServices } from "@/lib/composition/root";
import { Price } from "@/components/money";

export const dynamic = "force-dynamic";

const querySchema = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const parsed = querySchema.safeParse(await searchParams);
  if (!parsed.success) notFound();
  const { items, page, pageCount, total } = await getServices().catalog.listProducts({ page: parsed.data.page });
  if (page > pageCount) notFound();

  return (
    <section aria-labelledby="catalog-heading">
      <h1 id="catalog-heading" className="text-2xl font-semibold">
        All products <span className="text-base font-normal text-slate-500">({total})</span>
      </h1>
      <ul className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {items.map((p) => {
          const a = availability(p.stock);
          return (
            <li key={p.id} className="rounded-lg border border-slate-200 bg-white p-4">
              <Link href={`/products/${p.slug}`} className="font-medium hover:underline">
                {p.name}
              </Link>
              <div className="mt-1 flex items-center justify-between text-sm">
                <Price value={p.price} className="font-semibold" />
                <span className={a.kind === "sold_out" ? "text-red-700" : "text-slate-600"}>
                  {a.kind === "sold_out" ? "Sold out" : a.kind === "low" ? `Only ${a.left} left` : "In stock"}
                </span>
              </div>
            </li>
          );
        })}
      </ul>
      <nav aria-label="Pagination" className="mt-6 flex items-center justify-center gap-4 text-sm">
        {page > 1 ? <Link href={`/?page=${page - 1}`} rel="prev" className="underline">Previous</Link> : null}
        <span>
          Page {page} of {pageCount}
        </span>
        {page < pageCount ? <Link href={`/?page=${page + 1}`} rel="next" className="underline">Next</Link> : null}
      </nav>
    </section>
  );
}
