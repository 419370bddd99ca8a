import type { Metadata } from "next";
import Link from "next/link";
import { requireAdminPage } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { ProductForm } from "@/components/admin/products-form";
import { createProduct } from "../actions";

export const metadata: Metadata = { title: "New product" };
export const dynamic = "force-dynamic";

export default async function NewProductPage() {
  const admin = await requireAdminPage("/admin/products/new");
  const categories = await getServices().admin.products.categories(admin);
  return (
    <section aria-labelledby="new-product-heading" className="flex flex-col gap-4">
      <p className="text-sm">
        <Link href="/admin/products" className="text-indigo-700 underline">
          ← All products
        </Link>
      </p>
      <h1 id="new-product-heading" className="text-2xl font-semibold">
        New product
      </h1>
      <ProductForm
        mode="create"
        action={createProduct}
        categories={categories}
        defaults={{ name: "", sku: "", slug: "", description: "", price: "", lowStockThreshold: "5", categoryIds: [] }}
      />
    </section>
  );
}
