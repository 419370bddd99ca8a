/** A product's images: upload, order, removal. image_url always follows the first image. */
import { AppError } from "../../../domain/errors";
import { throwIfAborted } from "../../shared";
import { requireAdmin, type Actor } from "../access";
import { IMAGE_MAX_BYTES, mediaUrl, type AdminProductImage, type AdminProductsDeps, type NewImageRecord } from "./model";
import { productId, syncImageUrl, withImages } from "./shared";

/**
 * Checks and re-encodes the upload (metadata stripped, size capped), stores it
 * under a fresh random key, then records it as the product's last image.
 */
export function makeAddProductImage(deps: Pick<AdminProductsDeps, "uow" | "catalogCache" | "storage" | "images" | "ids" | "log">) {
  return async (actor: Actor | null, rawId: string, file: { bytes: Uint8Array; alt?: string } | null, signal?: AbortSignal): Promise<AdminProductImage> => {
    requireAdmin(actor);
    const id = productId(rawId);
    if (!file || !(file.bytes instanceof Uint8Array) || file.bytes.byteLength === 0) {
      throw new AppError("validation", "Choose an image file", { fields: [{ path: "file", message: "Choose an image file" }] });
    }
    if (file.bytes.byteLength > IMAGE_MAX_BYTES) {
      throw new AppError("validation", "The image is larger than 5 MB", { fields: [{ path: "file", message: "The image is larger than 5 MB" }] });
    }
    const alt = (typeof file.alt === "string" ? file.alt : "").trim();
    if (alt.length > 200) throw new AppError("validation", "At most 200 characters", { fields: [{ path: "alt", message: "At most 200 characters" }] });
    const image = await deps.images.normalize(file.bytes, signal);
    throwIfAborted(signal);
    const imageId = deps.ids.uuid();
    const ext = image.contentType === "image/jpeg" ? "jpg" : image.contentType === "image/png" ? "png" : "webp";
    const storageKey = `products/${deps.ids.uuid()}.${ext}`;
    await deps.storage.put(storageKey, image.bytes, image.contentType, signal);
    const record: NewImageRecord = { id: imageId, productId: id, storageKey, contentType: image.contentType, byteSize: image.bytes.byteLength, width: image.width, height: image.height, alt };
    try {
      return await withImages(deps, id, async (repos, pid, current) => {
        await repos.productAdmin.addImage(record, current.images.length, signal);
        await syncImageUrl(repos, pid, current.imageUrl, [...current.images, record], signal);
        return { ...record, url: mediaUrl(storageKey), position: current.images.length };
      }, signal);
    } catch (error) {
      // Nothing points at the stored bytes: remove them (best effort).
      await deps.storage.delete(storageKey).catch((err: unknown) => deps.log(`could not delete orphan image ${storageKey}`, { err }));
      throw error;
    }
  };
}

/** Moves one image a place up or down; image_url follows the first. */
export function makeMoveProductImage(deps: Pick<AdminProductsDeps, "uow" | "catalogCache">) {
  return async (actor: Actor | null, rawId: string, imageId: string, direction: "up" | "down", signal?: AbortSignal): Promise<void> => {
    requireAdmin(actor);
    // Typed, but kept: a direction that is neither would silently move nothing.
    if (direction !== "up" && direction !== "down") throw new AppError("validation", "Move up or down", { fields: [{ path: "direction", message: "Move up or down" }] });
    await withImages(deps, rawId, async (repos, id, current) => {
      const order = current.images.map((i) => i.id);
      const at = order.indexOf(imageId);
      if (at < 0) throw new AppError("not_found", "No such image");
      const to = direction === "up" ? at - 1 : at + 1;
      if (to < 0 || to >= order.length) return;
      [order[at], order[to]] = [order[to]!, order[at]!];
      await repos.productAdmin.setImageOrder(id, order, signal);
      const byId = new Map(current.images.map((i) => [i.id, i]));
      await syncImageUrl(repos, id, current.imageUrl, order.map((i) => byId.get(i)!), signal);
    }, signal);
  };
}

/** Removes the record, then (after commit) the bytes: a removed image is never served again. */
export function makeRemoveProductImage(deps: Pick<AdminProductsDeps, "uow" | "catalogCache" | "storage" | "log">) {
  return async (actor: Actor | null, rawId: string, imageId: string, signal?: AbortSignal): Promise<void> => {
    requireAdmin(actor);
    const removed = await withImages(deps, rawId, async (repos, id, current) => {
      const image = current.images.find((i) => i.id === imageId);
      if (!image) throw new AppError("not_found", "No such image");
      await repos.productAdmin.removeImage(image.id, signal);
      const rest = current.images.filter((i) => i.id !== image.id);
      await repos.productAdmin.setImageOrder(id, rest.map((i) => i.id), signal);
      await syncImageUrl(repos, id, current.imageUrl, rest, signal);
      return image;
    }, signal);
    // Keys are never reused, so deleting after commit cannot remove another image's bytes.
    await deps.storage.delete(removed.storageKey).catch((err: unknown) => deps.log(`could not delete image ${removed.storageKey}`, { err }));
  };
}
