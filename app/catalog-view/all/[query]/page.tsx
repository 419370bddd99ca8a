import type { Metadata } from "next";
import { CatalogPage, catalogMetadata } from "@/app/products/catalog-page";
import { searchParamsOfKey } from "@/app/products/listing-key";

/**
 * "/" with its query: all products, searchable and filterable. proxy.ts
 * rewrites "/?<query>" here, so each distinct query is one cached page
 * (docs/decisions/012-performance.md), rendered on its first visit and again
 * after any catalog change.
 */
export const revalidate = 300;
export function generateStaticParams(): { query: string }[] {
  return [];
}

type Props = { params: Promise<{ query: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return catalogMetadata({ basePath: "/", category: null, raw: searchParamsOfKey((await params).query) });
}

export default async function AllProductsPage({ params }: Props) {
  return <CatalogPage basePath="/" category={null} raw={searchParamsOfKey((await params).query)} />;
}
