"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";

/**
 * The product form posts one checkbox per category, named "category:<id>"
 * (FormData → record keeps one value per name); these collect them.
 */
const productForm = z
  .object({
    name: z.string().max(1000).optional(),
    sku: z.string().max(1000).optional(),
    slug: z.string().max(1000).optional(),
    description: z.string().max(20_000).optional(),
    price: z.string().max(100).optional(),
    lowStockThreshold: z.string().max(100).optional(),
    initialStock: z.string().max(100).optional(),
  })
  .catchall(z.string().max(100));

function categoryIds(input: Record<string, string | undefined>): string[] {
  return Object.keys(input)
    .filter((k) => k.startsWith("category:"))
    .map((k) => k.slice("category:".length));
}

function productInput(input: z.infer<typeof productForm>) {
  return {
    name: input.name,
    sku: input.sku,
    slug: input.slug,
    description: input.description,
    price: input.price,
    lowStockThreshold: input.lowStockThreshold,
    categoryIds: categoryIds(input),
  };
}

export const createProduct = adminAction(
  productForm,
  async (input, { admin }) => {
    const { id } = await getServices().admin.products.create(admin, { ...productInput(input), initialStock: input.initialStock });
    revalidatePath("/", "layout");
    redirect(`/admin/products/${id}?created=1`);
  },
  { returnTo: () => "/admin/products/new" },
);

const editForm = productForm.and(z.object({ id: z.string().max(100), version: z.string().max(20) }));

export const updateProduct = adminAction(
  editForm,
  async (input, { admin }) => {
    await getServices().admin.products.update(admin, input.id, { ...productInput(input), version: input.version });
    revalidatePath("/", "layout");
    redirect(`/admin/products/${input.id}?saved=1`);
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

const byId = z.object({ id: z.string().max(100) });

export const archiveProduct = adminAction(
  byId,
  async ({ id }, { admin }) => {
    await getServices().admin.products.archive(admin, id);
    revalidatePath("/", "layout");
    return { ok: true, message: "Archived: the product is hidden from the shop." };
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

export const restoreProduct = adminAction(
  byId,
  async ({ id }, { admin }) => {
    await getServices().admin.products.restore(admin, id);
    revalidatePath("/", "layout");
    return { ok: true, message: "Restored: the product is back in the shop." };
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

const imageForm = z.object({ id: z.string().max(100), imageId: z.string().max(100) });

export const moveImageUp = adminAction(
  imageForm,
  async ({ id, imageId }, { admin }) => {
    await getServices().admin.products.moveImage(admin, id, imageId, "up");
    revalidatePath("/", "layout");
    return { ok: true, message: "Moved up." };
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

export const moveImageDown = adminAction(
  imageForm,
  async ({ id, imageId }, { admin }) => {
    await getServices().admin.products.moveImage(admin, id, imageId, "down");
    revalidatePath("/", "layout");
    return { ok: true, message: "Moved down." };
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

export const removeImage = adminAction(
  imageForm,
  async ({ id, imageId }, { admin }) => {
    await getServices().admin.products.removeImage(admin, id, imageId);
    revalidatePath("/", "layout");
    return { ok: true, message: "Image removed." };
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);
