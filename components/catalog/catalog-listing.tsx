import Link from "next/link";
import type { ProductSearchResult } from "@/lib/application/catalog/catalog";
import type { CategorySummary } from "@/lib/domain/catalog";
import { listingHref, type FieldProblem, type ListingState } from "@/components/catalog/search-params";
import { CatalogFilters } from "./catalog-filters";
import { CategoryNav } from "./category-nav";
import { Pagination } from "./pagination";
import { ProductCard } from "./product-card";

/**
 * A product listing (all products, or one category): categories and filters
 * on the side, results with a pager in the main column. Without a result
 * (the query string was invalid) it explains what to correct instead.
 */
export function CatalogListing({
  basePath,
  heading,
  intro,
  categories,
  currentCategory,
  values,
  problems,
  result,
}: {
  basePath: string;
  heading: string;
  intro?: string;
  categories: CategorySummary[];
  currentCategory: string | null;
  values: Record<string, string>;
  problems: FieldProblem[];
  result: ProductSearchResult | null;
}) {
  const state: ListingState = result
    ? {
        q: result.applied.text,
        minPrice: result.applied.minPriceMinor,
        maxPrice: result.applied.maxPriceMinor,
        inStock: result.applied.inStockOnly,
        sort: result.applied.sort,
        page: result.page,
      }
    : {};

  return (
    <div className="grid gap-6 md:grid-cols-[14rem_1fr]">
      <aside className="flex flex-col gap-6">
        <CategoryNav categories={categories} current={currentCategory} state={state} />
        <CatalogFilters categories={categories} currentCategory={currentCategory} values={values} problems={problems} />
      </aside>

      <section aria-labelledby="catalog-heading">
        <h1 id="catalog-heading" className="text-2xl font-semibold">
          {heading}
        </h1>
        {intro ? <p className="mt-1 text-slate-600">{intro}</p> : null}

        {result === null ? (
          <div role="alert" className="mt-4 rounded border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-medium">Please check the search:</p>
            <ul className="mt-1 list-disc pl-5">
              {problems.map((p) => (
                <li key={`${p.field}:${p.message}`}>
                  {p.label}: {p.message}
                </li>
              ))}
            </ul>
            <Link href={basePath} className="mt-2 inline-block underline">
              Clear the search and filters
            </Link>
          </div>
        ) : (
          <Results basePath={basePath} result={result} state={state} />
        )}
      </section>
    </div>
  );
}

function Results({ basePath, result, state }: { basePath: string; result: ProductSearchResult; state: ListingState }) {
  const text = result.applied.text;
  const count = `${result.total} ${result.total === 1 ? "product" : "products"}`;
  return (
    <>
      <p className="mt-1 text-sm text-slate-600" role="status" data-testid="result-count">
        {text ? `${count} for “${text}”` : count}
      </p>
      {text && result.didYouMean ? (
        <p className="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="did-you-mean">
          {/* The corrected search with the same filters and sort, from its first page. */}
          Did you mean{" "}
          <Link href={listingHref(basePath, { ...state, q: result.didYouMean, page: 1 })} className="font-medium text-indigo-700 underline">
            {result.didYouMean}
          </Link>
          ? Products with “{text}” as typed, if any, come first.
        </p>
      ) : null}
      {text && result.matchedBy === "similar" && result.total > 0 ? (
        <p className="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="similar-notice">
          No product contains “{text}”; showing products with similar words.
        </p>
      ) : null}
      {result.items.length === 0 ? (
        <div className="mt-6 text-slate-700">
          <p>No products match{text ? ` “${text}”` : ""} with these filters.</p>
          <Link href={basePath} className="mt-2 inline-block text-indigo-700 underline">
            Show all products{basePath === "/" ? "" : " in this category"}
          </Link>
        </div>
      ) : (
        <ul className="mt-4 grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3" aria-label="Products">
          {result.items.map((p, i) => (
            <ProductCard key={p.id} product={p} preloadImage={i < 3} />
          ))}
        </ul>
      )}
      <Pagination basePath={basePath} state={state} page={result.page} pageCount={result.pageCount} />
    </>
  );
}
