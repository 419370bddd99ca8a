import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { CatalogPage, catalogMetadata } from "@/app/products/catalog-page";
import { searchParamsOfKey } from "@/app/products/listing-key";
import { categoryPath } from "@/components/catalog/search-params";
import { SLUG } from "@/lib/domain/catalog";

/**
 * /categories/<slug> with its query: proxy.ts rewrites it here, so each
 * distinct query is one cached page (see app/catalog-view/all/[query]).
 */
export const revalidate = 300;
export function generateStaticParams(): { slug: string; query: string }[] {
  return [];
}

type Props = { params: Promise<{ slug: string; query: string }> };

/** Once per render, shared by generateMetadata and the page. */
const loadCategory = cache(async (slug: string) => {
  if (slug.length > 80 || !SLUG.test(slug)) notFound();
  try {
    return await getServices().catalog.getCategory(slug);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { slug, query } = await params;
  const category = await loadCategory(slug);
  return catalogMetadata({ basePath: categoryPath(category.slug), category, raw: searchParamsOfKey(query) });
}

export default async function CategoryPage({ params }: Props) {
  const { slug, query } = await params;
  const category = await loadCategory(slug);
  return <CatalogPage basePath={categoryPath(category.slug)} category={category} raw={searchParamsOfKey(query)} />;
}
