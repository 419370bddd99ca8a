import Image from "next/image";
import type { AdminProductImage } from "@/lib/application/admin/products/model";
import { ProductActionButton, type Action } from "./products-action-button";

/**
 * The product's uploaded images in display order (the first is the shop's
 * picture), each movable and removable, and a plain multipart form that posts
 * to the upload route (which redirects back here, with ?imageError when the
 * file was refused). The page passes the image actions in.
 */
export function ProductImages({
  productId,
  images,
  uploadError,
  actions: { moveImageUp, moveImageDown, removeImage },
}: {
  productId: string;
  images: readonly AdminProductImage[];
  uploadError?: string;
  /** The page's server actions (components never import from app/). */
  actions: { moveImageUp: Action; moveImageDown: Action; removeImage: Action };
}) {
  return (
    <section aria-labelledby="images-heading" className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="images-heading" className="text-lg font-semibold">
        Images
      </h2>
      {images.length === 0 ? (
        <p className="text-sm text-slate-600">No images uploaded yet.</p>
      ) : (
        <ol aria-label="Product images" className="flex flex-col gap-3">
          {images.map((image, i) => (
            <li key={image.id} data-testid="product-image" data-key={image.storageKey} className="flex flex-wrap items-center gap-3">
              <Image src={image.url} alt={image.alt || `Image ${i + 1}`} width={96} height={96} className="h-24 w-24 rounded border border-slate-200 object-cover" />
              <span className="text-sm text-slate-700">
                {i === 0 ? "Main image · " : ""}
                {image.width}×{image.height}, {Math.ceil(image.byteSize / 1024)} KB
              </span>
              <ProductActionButton
                action={moveImageUp}
                fields={{ id: productId, imageId: image.id }}
                label="Move up"
                accessibleLabel={`Move image ${i + 1} up`}
              />
              <ProductActionButton
                action={moveImageDown}
                fields={{ id: productId, imageId: image.id }}
                label="Move down"
                accessibleLabel={`Move image ${i + 1} down`}
              />
              <ProductActionButton
                action={removeImage}
                fields={{ id: productId, imageId: image.id }}
                label="Remove"
                accessibleLabel={`Remove image ${i + 1}`}
                variant="danger"
              />
            </li>
          ))}
        </ol>
      )}
      <form action={`/api/admin/products/${productId}/images`} method="post" encType="multipart/form-data" className="flex flex-col gap-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="field-file" className="text-sm font-medium">
            Image file (JPEG, PNG or WebP, at most 5 MB)
          </label>
          <input
            id="field-file"
            name="file"
            type="file"
            required
            accept="image/jpeg,image/png,image/webp"
            aria-invalid={uploadError ? true : undefined}
            aria-describedby={uploadError ? "field-file-error" : undefined}
            className="text-sm"
          />
          {uploadError ? (
            <p id="field-file-error" role="alert" className="text-sm text-red-700">
              {uploadError}
            </p>
          ) : null}
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="field-alt" className="text-sm font-medium">
            Description of the image (alt text, optional)
          </label>
          <input id="field-alt" name="alt" maxLength={200} className="rounded border border-slate-300 px-3 py-2" />
        </div>
        <div>
          <button type="submit" className="rounded bg-indigo-700 px-4 py-2 font-medium text-white hover:bg-indigo-800">
            Upload image
          </button>
        </div>
      </form>
    </section>
  );
}
