import { NextResponse, type NextRequest } from "next/server";
import { listingKey } from "@/app/products/listing-key";
import { categoryPath } from "@/components/catalog/search-params";
import { SLUG } from "@/lib/domain/catalog";

/**
 * The catalog listings are cached pages (app/catalog-view); the page cache
 * keys by path, so the query string becomes a path segment here
 * (app/products/listing-key.ts). The address bar keeps the public URL.
 *
 * A category chosen in the filter form arrives as /?category=<slug> and is
 * forwarded to /categories/<slug> with the other parameters, so each category
 * listing has one URL.
 */
export function proxy(request: NextRequest): NextResponse {
  const url = request.nextUrl;
  if (url.pathname === "/") {
    const category = url.searchParams.get("category");
    if (category !== null && category.length <= 80 && SLUG.test(category)) {
      const target = new URL(categoryPath(category), url);
      for (const [key, value] of url.searchParams) if (key !== "category" && value !== "") target.searchParams.append(key, value);
      return NextResponse.redirect(target, 307);
    }
    return NextResponse.rewrite(new URL(`/catalog-view/all/${listingKey(url.searchParams)}`, url));
  }
  const slug = /^\/categories\/([^/]+)$/.exec(url.pathname)?.[1];
  if (slug === undefined) return NextResponse.next();
  // The category is the path; a ?category= parameter here would contradict it, so it is dropped.
  const search = new URLSearchParams(url.searchParams);
  search.delete("category");
  return NextResponse.rewrite(new URL(`/catalog-view/category/${slug}/${listingKey(search)}`, url));
}

// Only listings with a query come here; next.config.js rewrites the plain ones, and a
// search alone whose text fits in a path segment (PLAIN_SEARCH there): the q entries
// take the other searches, exactly (tests/unit/listing-key.test.ts).
// (Matchers must be literals: one per listing parameter and path.)
export const config = {
  matcher: [
    { source: "/", has: [{ type: "query", key: "q", value: "(?:|[\\s\\S]*[/?#%\\\\\\x00-\\x1f\\x7f][\\s\\S]*)" }] },
    { source: "/", has: [{ type: "query", key: "category" }] },
    { source: "/", has: [{ type: "query", key: "minPrice" }] },
    { source: "/", has: [{ type: "query", key: "maxPrice" }] },
    { source: "/", has: [{ type: "query", key: "inStock" }] },
    { source: "/", has: [{ type: "query", key: "sort" }] },
    { source: "/", has: [{ type: "query", key: "page" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "q", value: "(?:|[\\s\\S]*[/?#%\\\\\\x00-\\x1f\\x7f][\\s\\S]*)" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "category" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "minPrice" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "maxPrice" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "inStock" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "sort" }] },
    { source: "/categories/:slug", has: [{ type: "query", key: "page" }] },
  ],
};
