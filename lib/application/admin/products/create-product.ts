import { requireAdmin, type Actor } from "../access";
import type { NewProduct } from "./fields";
import type { AdminProductsDeps } from "./model";
import { checkWrite, productChanges } from "./shared";

/**
 * Creates an active product with its default variant (ADR 016); an initial
 * stock enters the variant's ledger as its 'opening' row, in the same transaction. The input was checked at the edge
 * (fields.ts); what only the database knows (categories, a taken SKU or slug)
 * is checked here, by field.
 */
export function makeCreateProduct(deps: Pick<AdminProductsDeps, "uow" | "ids" | "catalogCache">) {
  return async (actor: Actor | null, input: NewProduct, signal?: AbortSignal): Promise<{ id: string; slug: string }> => {
    const admin = requireAdmin(actor);
    const changes = productChanges(input);
    const id = deps.ids.uuid();
    const variantId = deps.ids.uuid();
    await deps.uow.run(async (repos) => {
      await checkWrite(repos, changes, null, signal);
      await repos.productAdmin.insert({ id, variantId, ...changes }, signal);
      if (input.initialStock > 0) await repos.productAdmin.openingStock(variantId, input.initialStock, admin.id, signal);
    }, signal);
    deps.catalogCache.invalidate();
    return { id, slug: changes.slug };
  };
}
