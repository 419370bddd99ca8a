import Link from "next/link";
import { pageLinks } from "@/lib/application/catalog/paging";
import { listingHref, type ListingState } from "@/components/catalog/search-params";

export function Pagination({ basePath, state, page, pageCount }: { basePath: string; state: ListingState; page: number; pageCount: number }) {
  if (pageCount <= 1) return null;
  const href = (p: number) => listingHref(basePath, { ...state, page: p });
  return (
    <nav aria-label="Pagination" className="mt-6 flex flex-wrap items-center justify-center gap-2 text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" className="rounded px-2 py-1 underline">
          Previous
        </Link>
      ) : null}
      <ul className="flex items-center gap-1">
        {pageLinks(page, pageCount).map((p, i) =>
          p === "gap" ? (
            <li key={`gap-${i}`} aria-hidden="true" className="px-1 text-slate-600">
              …
            </li>
          ) : (
            <li key={p}>
              {p === page ? (
                <span aria-current="page" className="rounded bg-indigo-700 px-2 py-1 font-semibold text-white">
                  <span className="sr-only">Page </span>
                  {p}
                </span>
              ) : (
                <Link href={href(p)} className="rounded px-2 py-1 hover:bg-slate-100">
                  <span className="sr-only">Page </span>
                  {p}
                </Link>
              )}
            </li>
          ),
        )}
      </ul>
      {page < pageCount ? (
        <Link href={href(page + 1)} rel="next" className="rounded px-2 py-1 underline">
          Next
        </Link>
      ) : null}
      <p className="basis-full text-center text-slate-600">
        Page {page} of {pageCount}
      </p>
    </nav>
  );
}
