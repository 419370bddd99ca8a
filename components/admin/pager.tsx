import Link from "next/link";

/** Previous / next links for a paged admin list; `href(page)` builds each page's URL. */
export function AdminPager({ page, pageCount, href, label }: { page: number; pageCount: number; href: (page: number) => string; label: string }) {
  if (pageCount <= 1) return null;
  return (
    <nav aria-label={label} className="mt-3 flex items-center gap-4 text-sm">
      {page > 1 ? (
        <Link href={href(page - 1)} rel="prev" className="text-indigo-700 underline">
          Previous
        </Link>
      ) : null}
      <span aria-current="page" className="text-slate-600">
        Page {page} of {pageCount}
      </span>
      {page < pageCount ? (
        <Link href={href(page + 1)} rel="next" className="text-indigo-700 underline">
          Next
        </Link>
      ) : null}
    </nav>
  );
}
