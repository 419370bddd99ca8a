import { AppError } from "../../../domain/errors";
import { CORRECT_FIELDS } from "../../../domain/validation";
import { requireAdmin, type Actor } from "../access";
import { SLUG_FROM_NAME_MESSAGE, slugify, type NewProduct, type ProductFields } from "./fields";
import type { AdminProductsDeps, ProductChanges } from "./model";
import { checkWrite } from "./shared";

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

/**
 * Creates an active product; an initial stock enters the ledger as its
 * 'opening' row, in the same transaction. The input was checked at the edge
 * (fields.ts); what only the database knows (categories, a taken SKU or slug)
 * is checked here, by field.
 */
export function makeCreateProduct(deps: Pick<AdminProductsDeps, "uow" | "ids" | "catalogCache">) {
  return async (actor: Actor | null, input: NewProduct, signal?: AbortSignal): Promise<{ id: string; slug: string }> => {
    const admin = requireAdmin(actor);
    const changes = productChanges(input);
    const id = deps.ids.uuid();
    await deps.uow.run(async (repos) => {
      await checkWrite(repos, changes, null, signal);
      await repos.productAdmin.insert({ id, ...changes }, signal);
      if (input.initialStock > 0) await repos.productAdmin.openingStock(id, input.initialStock, admin.id, signal);
    }, signal);
    deps.catalogCache.invalidate();
    return { id, slug: changes.slug };
  };
}
