import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache, Suspense } from "react";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { ProductImage } from "@/components/catalog/product-image";
import { categoryPath } from "@/components/catalog/search-params";
import { SLUG } from "@/lib/domain/catalog";
import { VariantPurchase, VariantPurchaseFromUrl } from "./variant-purchase";
import { jsonLdScript, productJsonLd } from "./json-ld";

/**
 * A cached page, the same for every visitor: rendered on its first visit and
 * again after any catalog change (the stock it shows may lag by about a
 * second; checkout and reservation decide what can be bought).
 * docs/decisions/012-performance.md.
 */
export const revalidate = 300;
export function generateStaticParams(): { slug: string }[] {
  return [];
}

type Props = { params: Promise<{ slug: string }> };

/** Once per request, shared by generateMetadata and the page. */
const load = cache(async (slug: string) => {
  if (slug.length > 160 || !SLUG.test(slug)) notFound();
  try {
    return await getServices().catalog.getProduct(slug);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const product = await load((await params).slug);
  const description = product.description.slice(0, 160);
  const path = `/products/${product.slug}`;
  return {
    metadataBase: new URL(getServices().env.APP_URL),
    title: product.name,
    description,
    alternates: { canonical: path },
    openGraph: {
      title: product.name,
      description,
      url: path,
      // Social networks do not render SVG previews, so only raster images are offered.
      ...(product.imageUrl && !product.imageUrl.endsWith(".svg") ? { images: [{ url: product.imageUrl, alt: product.name }] } : {}),
    },
  };
}

export default async function ProductPage({ params }: Props) {
  const product = await load((await params).slug);
  const purchase = { productId: product.id, slug: product.slug, sku: product.sku, price: product.price, options: product.options, variants: product.variants };
  const primary = product.categories[0];
  return (
    <>
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: jsonLdScript(productJsonLd(product, getServices().env.APP_URL)) }} />
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-600">
        <ol className="flex flex-wrap gap-1">
          <li>
            <Link href="/" className="underline">
              All products
            </Link>
          </li>
          {primary ? (
            <li>
              <span aria-hidden="true">/ </span>
              <Link href={categoryPath(primary.slug)} className="underline">
                {primary.name}
              </Link>
            </li>
          ) : null}
          <li aria-current="page">
            <span aria-hidden="true">/ </span>
            {product.name}
          </li>
        </ol>
      </nav>
      <article className="grid gap-6 rounded-lg border border-slate-200 bg-white p-6 md:grid-cols-2">
        <ProductImage src={product.imageUrl} alt={product.name} size={400} preload sizes="(min-width: 768px) 460px, 90vw" />
        <div>
          <h1 className="text-2xl font-semibold">{product.name}</h1>
          <Suspense fallback={<VariantPurchase {...purchase} asked={{}} />}>
            <VariantPurchaseFromUrl {...purchase} />
          </Suspense>
          <p className="mt-4 whitespace-pre-line text-slate-700">{product.description}</p>
          {product.categories.length > 0 ? (
            <ul aria-label="Categories" className="mt-4 flex flex-wrap gap-2 text-sm">
              {product.categories.map((c) => (
                <li key={c.id}>
                  <Link href={categoryPath(c.slug)} className="rounded-full border border-slate-300 px-3 py-0.5 hover:bg-slate-100">
                    {c.name}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </article>
    </>
  );
}
