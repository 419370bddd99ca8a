import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { CatalogPage, catalogMetadata } from "@/app/products/catalog-page";
import { categoryPath, type RawSearchParams } from "@/app/products/search-params";
import { SLUG } from "@/lib/domain/catalog";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ slug: string }>; searchParams: Promise<RawSearchParams> };

/** Once per request, shared by generateMetadata and the page. */
const loadCategory = cache(async (slug: string) => {
  if (slug.length > 80 || !SLUG.test(slug)) notFound();
  try {
    return await getServices().catalog.getCategory(slug);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
});

/** The category is the path; a ?category= parameter here would contradict it, so it is dropped. */
function withoutCategory(raw: RawSearchParams): RawSearchParams {
  const { category: _category, ...rest } = raw;
  return rest;
}

export async function generateMetadata({ params, searchParams }: Props): Promise<Metadata> {
  const category = await loadCategory((await params).slug);
  return catalogMetadata({ basePath: categoryPath(category.slug), category, raw: withoutCategory(await searchParams) });
}

export default async function CategoryPage({ params, searchParams }: Props) {
  const category = await loadCategory((await params).slug);
  return <CatalogPage basePath={categoryPath(category.slug)} category={category} raw={withoutCategory(await searchParams)} />;
}
