/** What the products use cases share: the id check, the write checks and the image lock. */
import { z } from "zod";
import { AppError, type FieldIssue } from "../../../domain/errors";
import { CORRECT_FIELDS } from "../../../domain/validation";
import { SLUG_FROM_NAME_MESSAGE, slugify, type ProductFields } from "./fields";
import type { AdminProductImage, AdminProductsDeps, ProductAdminRepos, ProductChanges } from "./model";
import { mediaUrl } from "./model";

const uuid = z.uuid();

/** A product id, or not found (an id that is not a uuid names no product). */
export function productId(raw: string): string {
  if (!uuid.safeParse(raw).success) throw new AppError("not_found", "No such product");
  return raw;
}

/** The fields as stored: the slug made from the name when none was given. */
export function productChanges(fields: ProductFields): ProductChanges {
  const slug = fields.slug || slugify(fields.name);
  if (slug === "") throw new AppError("validation", CORRECT_FIELDS, { fields: [{ path: "slug", message: SLUG_FROM_NAME_MESSAGE }] });
  return {
    name: fields.name,
    sku: fields.sku,
    slug,
    description: fields.description,
    priceMinor: fields.priceMinor,
    lowStockThreshold: fields.lowStockThreshold,
    categoryIds: [...fields.categoryIds],
  };
}

/** The categories exist and no other product uses the SKU or the slug; by field otherwise. */
export async function checkWrite(repos: ProductAdminRepos, p: ProductChanges, exceptId: string | null, signal?: AbortSignal) {
  const fields: FieldIssue[] = [];
  const known = await repos.productAdmin.existingCategoryIds(p.categoryIds, signal);
  if (known.length !== p.categoryIds.length) fields.push({ path: "categoryIds", message: "Choose categories from the list" });
  const taken = await repos.productAdmin.takenIdentifiers(p.sku, p.slug, exceptId, signal);
  if (taken.sku) fields.push({ path: "sku", message: "Another product already uses this SKU" });
  if (taken.slug) fields.push({ path: "slug", message: "Another product already uses this slug" });
  if (fields.length > 0) throw new AppError("validation", CORRECT_FIELDS, { fields });
}

/** Keeps products.image_url equal to the first uploaded image (or null once none are left). */
export async function syncImageUrl(repos: ProductAdminRepos, id: string, before: string | null, images: readonly { storageKey: string }[], signal?: AbortSignal) {
  const first = images[0];
  const next = first ? mediaUrl(first.storageKey) : before && !before.startsWith("/media/") ? before : null;
  if (next !== before) await repos.productAdmin.setImageUrl(id, next, signal);
}

/** Runs `work` with the product's row and images locked, then empties the catalog cache. */
export async function withImages<T>(
  deps: Pick<AdminProductsDeps, "uow" | "catalogCache">,
  rawId: string,
  work: (repos: ProductAdminRepos, id: string, current: { imageUrl: string | null; images: AdminProductImage[] }) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const id = productId(rawId);
  const result = await deps.uow.run(async (repos) => {
    const current = await repos.productAdmin.lockImages(id, signal);
    if (!current) throw new AppError("not_found", "No such product");
    return work(repos, id, current);
  }, signal);
  deps.catalogCache.invalidate();
  return result;
}
