"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { adminAction } from "@/app/_lib/admin";
import { getServices } from "@/lib/composition/root";
import { newProductForm, productEditForm, toProductFields } from "./product-form";

export const createProduct = adminAction(
  newProductForm,
  async (input, { admin }) => {
    const { id } = await getServices().admin.products.create(admin, { ...toProductFields(input), initialStock: input.initialStock });
    revalidatePath("/", "layout");
    redirect(`/admin/products/${id}?created=1`);
  },
  { returnTo: () => "/admin/products/new" },
);

export const updateProduct = adminAction(
  productEditForm,
  async (input, { admin }) => {
    await getServices().admin.products.update(admin, { productId: input.id, version: input.version, fields: toProductFields(input) });
    revalidatePath("/", "layout");
    redirect(`/admin/products/${input.id}?saved=1`);
  },
  { returnTo: (raw) => `/admin/products/${raw.id ?? ""}` },
);

const byId = z.object({ id: z.string().max(100) }).strict();

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

const imageForm = z.object({ id: z.string().max(100), imageId: z.string().max(100) }).strict();

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
