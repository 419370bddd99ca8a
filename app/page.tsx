import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CatalogPage, catalogMetadata } from "@/app/products/catalog-page";
import { categoryPath, type RawSearchParams } from "@/app/products/search-params";
import { SLUG } from "@/lib/domain/catalog";

export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<RawSearchParams> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  return catalogMetadata({ basePath: "/", category: null, raw: await searchParams });
}

/**
 * All products, searchable and filterable. A category chosen in the filter
 * form arrives as ?category=<slug> and is forwarded to /categories/<slug> with
 * the other parameters, so each category listing has one URL.
 */
export default async function HomePage({ searchParams }: Props) {
  const raw = await searchParams;
  const category = raw.category;
  if (typeof category === "string" && SLUG.test(category)) {
    const rest = new URLSearchParams();
    for (const [key, value] of Object.entries(raw)) {
      if (key === "category" || value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) if (v !== "") rest.append(key, v);
    }
    const query = rest.toString();
    redirect(query ? `${categoryPath(category)}?${query}` : categoryPath(category));
  }
  return <CatalogPage basePath="/" category={null} raw={raw} />;
}
