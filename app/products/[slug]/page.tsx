import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { z } from "zod";
import { availability } from "@/lib/domain/catalog";
import { isAppError } from "@/lib/domain/errors";
import { getServices } from "@/lib/composition/root";
import { Price } from "@/components/money";
import { AddToCartForm } from "./add-to-cart-form";

export const dynamic = "force-dynamic";

const slugSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/).max(160);

async function load(slug: string) {
  if (!slugSchema.safeParse(slug).success) notFound();
  try {
    return await getServices().catalog.getProduct(slug);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ slug: string }> }): Promise<Metadata> {
  const product = await load((await params).slug);
  return { title: product.name, description: product.description.slice(0, 160) };
}

export default async function ProductPage({ params }: { params: Promise<{ slug: string }> }) {
  const product = await load((await params).slug);
  const a = availability(product.stock);
  return (
    <article className="rounded-lg border border-slate-200 bg-white p-6">
      <h1 className="text-2xl font-semibold">{product.name}</h1>
      <p className="mt-1 text-sm text-slate-500">SKU {product.sku}</p>
      <Price value={product.price} className="mt-4 block text-xl font-semibold" />
      <p className="mt-1 text-sm" data-testid="availability">
        {a.kind === "sold_out" ? "Sold out" : a.kind === "low" ? `Only ${a.left} left` : "In stock"}
      </p>
      <p className="mt-4 whitespace-pre-line text-slate-700">{product.description}</p>
      <div className="mt-6">
        <AddToCartForm productId={product.id} slug={product.slug} soldOut={a.kind === "sold_out"} />
      </div>
    </article>
  );
}
