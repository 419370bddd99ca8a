import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ProductSearchResult } from "@/lib/application/catalog/catalog";
import type { Category } from "@/lib/domain/catalog";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { CatalogListing } from "@/components/catalog/catalog-listing";
import { describeField, formValues, isFiltered, listingHref, parseCatalogQuery, type FieldProblem, type RawSearchParams } from "@/components/catalog/search-params";

/**
 * What / and /categories/[slug] share: parse the query string, search, and
 * render the listing. A page number that cannot exist, or an unknown category,
 * is a 404; any other bad value is explained next to the form (never a 500).
 */
export async function CatalogPage({ basePath, category, raw }: { basePath: string; category: Category | null; raw: RawSearchParams }) {
  const parsed = parseCatalogQuery(raw);
  if (!parsed.ok && parsed.pageInvalid) notFound();
  const services = getServices();
  const categories = await services.catalog.listCategories();
  const values = formValues(raw);

  let result: ProductSearchResult | null = null;
  let problems: FieldProblem[] = parsed.ok ? [] : parsed.problems;
  if (parsed.ok) {
    const q = parsed.query;
    try {
      result = await services.catalog.searchProducts({
        q: q.q,
        category: category?.slug,
        minPriceMinor: q.minPrice,
        maxPriceMinor: q.maxPrice,
        inStockOnly: q.inStock,
        sort: q.sort,
        page: q.page,
      });
    } catch (error) {
      if (isAppError(error, "not_found")) notFound();
      if (!isAppError(error, "validation")) throw error;
      problems = error.fields.length ? error.fields.map((f) => describeField(f.path, f.message)) : [describeField("form", error.message)];
    }
    if (result && result.page > result.pageCount) notFound();
  }

  const heading = category ? category.name : result?.applied.text ? "Search results" : "All products";
  return (
    <CatalogListing
      basePath={basePath}
      heading={heading}
      intro={category?.description || undefined}
      categories={categories}
      currentCategory={category?.slug ?? null}
      values={values}
      problems={problems}
      result={result}
    />
  );
}

/**
 * Titles and canonical URLs for listings. The plain list and its pages are for
 * search engines (each page canonical to itself); searches, filters and sort
 * orders are not (noindex, canonical to the plain list), so crawlers do not
 * index endless combinations.
 */
export function catalogMetadata({ basePath, category, raw }: { basePath: string; category: Category | null; raw: RawSearchParams }): Metadata {
  const parsed = parseCatalogQuery(raw);
  const base = new URL(getServices().env.APP_URL);
  const query = parsed.ok ? parsed.query : null;
  const state = query ? { q: query.q, minPrice: query.minPrice, maxPrice: query.maxPrice, inStock: query.inStock, sort: query.sort, page: query.page } : {};
  const page = query?.page ?? 1;
  const name = category?.name ?? "All products";
  const title = query?.q ? `Search: ${query.q}` : page > 1 ? `${name} – page ${page}` : name;
  const filtered = !query || isFiltered(state);
  // "/" shares the root layout's segment, where the layout's title template
  // ("%s · Storefront") does not apply (Next applies it to child segments only):
  // the plain home page keeps the layout's default title, the rest spell it out.
  const home = basePath === "/";
  const fullTitle = !home ? title : query && !query.q && page === 1 ? undefined : { absolute: `${title} · Storefront` };
  return {
    metadataBase: base,
    ...(fullTitle === undefined ? {} : { title: fullTitle }),
    description: category?.description || "Mugs, lamps, throws, bowls, trays and vases in honest materials.",
    alternates: { canonical: filtered ? basePath : listingHref(basePath, { page }) },
    ...(filtered ? { robots: { index: false, follow: true } } : {}),
  };
}
