/**
 * The back office's product use cases, each from its own factory, as one
 * object for the composition root (services.admin.products).
 */
import type { Actor } from "../access";
import { makeSetProductArchived } from "./archive-product";
import { makeCreateProduct } from "./create-product";
import type { AdminProductsDeps } from "./model";
import { makeAddProductImage, makeMoveProductImage, makeRemoveProductImage } from "./product-images";
import { makeGetProduct, makeListProductCategories, makeListProducts } from "./product-queries";
import { makeUpdateProduct } from "./update-product";

export function makeAdminProducts(deps: AdminProductsDeps) {
  const setArchived = makeSetProductArchived(deps);
  return {
    list: makeListProducts(deps),
    get: makeGetProduct(deps),
    categories: makeListProductCategories(deps),
    create: makeCreateProduct(deps),
    update: makeUpdateProduct(deps),
    archive: (actor: Actor | null, id: string, signal?: AbortSignal) => setArchived(actor, id, true, signal),
    restore: (actor: Actor | null, id: string, signal?: AbortSignal) => setArchived(actor, id, false, signal),
    addImage: makeAddProductImage(deps),
    moveImage: makeMoveProductImage(deps),
    removeImage: makeRemoveProductImage(deps),
  };
}

export type AdminProducts = ReturnType<typeof makeAdminProducts>;
