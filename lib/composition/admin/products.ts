import { makeAdminProducts } from "../../application/admin/products/admin-products";
import { PrismaProductAdminRepository } from "../../infrastructure/db/prisma-product-admin-repository";
import { LocalDiskMediaStorage } from "../../infrastructure/storage/local-disk-media-storage";
import { SharpImageProcessor } from "../../infrastructure/storage/sharp-image-processor";
import type { AdminDeps } from "./deps";

/** The back office's products use cases. */
export function adminProducts(deps: AdminDeps) {
  return makeAdminProducts({
    reader: new PrismaProductAdminRepository(deps.prisma),
    uow: deps.uow,
    storage: new LocalDiskMediaStorage(deps.env.MEDIA_DIR),
    images: new SharpImageProcessor(),
    ids: deps.ids,
    catalogCache: deps.catalogCache,
    log: deps.log.warn,
  });
}

/** Reading stored media for app/media (public: shoppers see product images). */
export function mediaReader(deps: Pick<AdminDeps, "env">) {
  const storage = new LocalDiskMediaStorage(deps.env.MEDIA_DIR);
  return { get: (key: string) => storage.get(key) };
}
