/**
 * The back office's product form as its server actions read it: the test's
 * fields as text ("category:<id>" boxes for categoryIds), parsed by the form's
 * schema, then handed to the use case, as app/admin/products/actions.ts does.
 * A field the form refuses rejects the promise with the form's AppError.
 */
import { newProductForm, productEditForm, toProductFields } from "@/app/admin/products/product-form";
import type { Actor } from "@/lib/application/admin/access";
import type { AdminProducts } from "@/lib/application/admin/products/admin-products";
import { parseInput } from "@/lib/domain/validation";

export function formRecord(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "categoryIds") for (const id of value as string[]) out[`category:${id}`] = "on";
    else if (value !== undefined) out[key] = String(value);
  }
  return out;
}

export async function createFromForm(products: Pick<AdminProducts, "create">, actor: Actor | null, input: Record<string, unknown>, signal?: AbortSignal) {
  const form = parseInput(newProductForm, formRecord(input));
  return products.create(actor, { ...toProductFields(form), initialStock: form.initialStock }, signal);
}

export async function updateFromForm(products: Pick<AdminProducts, "update">, actor: Actor | null, id: string, input: Record<string, unknown>, signal?: AbortSignal) {
  const form = parseInput(productEditForm, formRecord({ ...input, id }));
  return products.update(actor, { productId: id, version: form.version, fields: toProductFields(form) }, signal);
}
