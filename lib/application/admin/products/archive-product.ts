import { AppError } from "../../../domain/errors";
import { requireAdmin, type Actor } from "../access";
import type { AdminProductsDeps } from "./model";
import { productId } from "./shared";

/**
 * Archiving hides the product from the shop (orders keep showing it: their
 * lines are snapshots); restoring brings it back. Nothing is ever deleted.
 */
export function makeSetProductArchived(deps: Pick<AdminProductsDeps, "uow" | "catalogCache">) {
  return async (actor: Actor | null, id: string, archived: boolean, signal?: AbortSignal): Promise<void> => {
    requireAdmin(actor);
    const pid = productId(id);
    const found = await deps.uow.run((repos) => repos.productAdmin.setArchived(pid, archived, signal), signal);
    if (!found) throw new AppError("not_found", "No such product");
    deps.catalogCache.invalidate();
  };
}
