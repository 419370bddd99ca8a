import Link from "next/link";
import type { CategorySummary } from "@/lib/domain/catalog";
import { categoryPath, listingHref, type ListingState } from "@/components/catalog/search-params";

/**
 * The category list beside every listing. Switching category keeps the words
 * and filters (a search for "lamp" then "Woodwork" shows wooden lamps) and
 * starts again at page 1.
 */
export function CategoryNav({ categories, current, state }: { categories: CategorySummary[]; current: string | null; state: ListingState }) {
  const keep: ListingState = { ...state, page: 1 };
  const item = (href: string, label: string, count: number | null, active: boolean) => (
    <li key={href}>
      <Link
        href={href}
        aria-current={active ? "page" : undefined}
        className={`flex justify-between rounded px-2 py-1 hover:bg-slate-100 ${active ? "bg-indigo-50 font-semibold text-indigo-800" : ""}`}
      >
        <span>{label}</span>
        {count === null ? null : <span className="text-slate-600">{count}</span>}
      </Link>
    </li>
  );
  return (
    <nav aria-label="Categories">
      <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-600">Categories</h2>
      <ul className="mt-2 flex flex-col gap-0.5 text-sm">
        {item(listingHref("/", keep), "All products", null, current === null)}
        {categories.map((c) => item(listingHref(categoryPath(c.slug), keep), c.name, c.productCount, current === c.slug))}
      </ul>
    </nav>
  );
}
