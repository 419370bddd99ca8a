import type { MetadataRoute } from "next";
import { getServices } from "@/lib/composition/root";

// Built per request from the database (never at build time, which has no database).
export const dynamic = "force-dynamic";

/** The plain listing, every category and every product (catalog.sitemap caps products below the protocol's 50,000 URLs). */
export default async function sitemap(): Promise<MetadataRoute.Sitemap> {
  const services = getServices();
  const url = (path: string) => new URL(path, services.env.APP_URL).href;
  const { categories, products } = await services.catalog.sitemap();
  return [
    { url: url("/"), changeFrequency: "daily", priority: 1 },
    ...categories.map((c) => ({ url: url(`/categories/${c.slug}`), changeFrequency: "daily" as const, priority: 0.8 })),
    ...products.map((p) => ({ url: url(`/products/${p.slug}`), lastModified: p.updatedAt, changeFrequency: "weekly" as const, priority: 0.6 })),
  ];
}
