import { AppError } from "../../../domain/errors";
import { requireAdmin, type Actor } from "../access";
import type { ProductFields } from "./fields";
import { STALE_EDIT_MESSAGE, type AdminProductsDeps } from "./model";
import { checkWrite, productChanges, productId } from "./shared";

export interface ProductEdit {
  productId: string;
  /** The version the edit is based on (the form was rendered with, the API client read). */
  version: number;
  fields: ProductFields;
}

/**
 * Optimistic: a compare-and-set on the version, so an edit based on a version
 * that moved on changes nothing (a conflict naming the form). Stock is not
 * edited here (stock adjustments are).
 */
export function makeUpdateProduct(deps: Pick<AdminProductsDeps, "uow" | "catalogCache">) {
  return async (actor: Actor | null, edit: ProductEdit, signal?: AbortSignal): Promise<{ version: number }> => {
    requireAdmin(actor);
    const id = productId(edit.productId);
    const changes = productChanges(edit.fields);
    await deps.uow.run(async (repos) => {
      await checkWrite(repos, changes, id, signal);
      if (!(await repos.productAdmin.update(id, edit.version, changes, signal))) {
        if (!(await repos.productAdmin.exists(id, signal))) throw new AppError("not_found", "No such product");
        throw new AppError("conflict", STALE_EDIT_MESSAGE, { fields: [{ path: "form", message: STALE_EDIT_MESSAGE }] });
      }
    }, signal);
    deps.catalogCache.invalidate();
    return { version: edit.version + 1 };
  };
}
