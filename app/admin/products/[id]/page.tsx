import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { majorUnitsText } from "@/lib/domain/money";
import { isAppError } from "@/lib/domain/errors";
import { ProductForm } from "@/components/admin/products-form";
import { ProductActionButton } from "@/components/admin/products-action-button";
import { ProductImages } from "@/components/admin/products-images";
import { archiveProduct, moveImageDown, moveImageUp, removeImage, restoreProduct, updateProduct } from "../actions";

export const metadata: Metadata = { title: "Edit product" };
export const dynamic = "force-dynamic";

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export default async function EditProductPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const admin = await requireAdminPage(`/admin/products/${encodeURIComponent(id)}`);
  const query = await searchParams;
  const services = getServices();
  let product;
  try {
    product = await services.admin.products.get(admin, id);
  } catch (error) {
    if (isAppError(error, "not_found")) notFound();
    throw error;
  }
  const categories = await services.admin.products.categories(admin);
  const notice = first(query.created) ? "Product created." : first(query.saved) ? "Changes saved." : null;

  return (
    <section aria-labelledby="product-heading" className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/admin/products" className="text-indigo-700 underline">
          ← All products
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="product-heading" className="text-2xl font-semibold">
          {product.name}
        </h1>
        {product.archivedAt ? (
          <span className="rounded-full bg-slate-200 px-2 py-0.5 text-sm text-slate-800">Archived</span>
        ) : (
          <Link href={`/products/${product.slug}`} className="text-sm text-indigo-700 underline">
            View in shop
          </Link>
        )}
      </div>
      {notice ? (
        <p role="status" className="text-sm text-green-700">
          {notice}
        </p>
      ) : null}
      <p className="text-sm text-slate-700">
        SKU {product.sku} · stock {product.stock} (changed on the{" "}
        <Link href="/admin/stock" className="text-indigo-700 underline">
          stock page
        </Link>
        ){product.ordered ? " · appears in orders" : ""}
      </p>
      <ProductForm
        key={product.version}
        mode="edit"
        action={updateProduct}
        categories={categories}
        defaults={{
          id: product.id,
          version: String(product.version),
          name: product.name,
          sku: product.sku,
          slug: product.slug,
          description: product.description,
          price: majorUnitsText(product.priceMinor, product.currency),
          lowStockThreshold: String(product.lowStockThreshold),
          categoryIds: product.categoryIds,
        }}
      />
      <ProductImages productId={product.id} images={product.images} actions={{ moveImageUp, moveImageDown, removeImage }} />
      <section aria-labelledby="availability-heading" className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="availability-heading" className="text-lg font-semibold">
          {product.archivedAt ? "Archived" : "In the shop"}
        </h2>
        <p className="text-sm text-slate-700">
          {product.archivedAt
            ? "Hidden from the shop. Orders that contain it still show it. Restore it to sell it again."
            : "Archiving hides it from the shop; orders that contain it keep showing it. Products are never deleted."}
        </p>
        <div>
          {product.archivedAt ? (
            <ProductActionButton action={restoreProduct} fields={{ id: product.id }} label="Restore" variant="primary" />
          ) : (
            <ProductActionButton action={archiveProduct} fields={{ id: product.id }} label="Archive" variant="danger" />
          )}
        </div>
      </section>
    </section>
  );
}
