import Image from "next/image";
import type { AdminProductImage } from "@/lib/application/admin/products/model";
import { ProductActionButton, type Action } from "./products-action-button";
import { ProductImageUpload } from "./products-image-upload";

/**
 * The product's uploaded images in display order (the first is the shop's
 * picture), each movable and removable, and the upload form (a client
 * component posting to the API). The page passes the image actions in.
 */
export function ProductImages({
  productId,
  images,
  actions: { moveImageUp, moveImageDown, removeImage },
}: {
  productId: string;
  images: readonly AdminProductImage[];
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
      <ProductImageUpload productId={productId} />
    </section>
  );
}
