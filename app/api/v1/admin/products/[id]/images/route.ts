import { getServices } from "@/lib/composition/root";
import { addProductImage } from "../../../../_contract/admin";
import { handle, otherMethods } from "../../../../_lib/handle";
import { actorOf, imageJson, withFieldPaths } from "../../../_lib/admin-json";

export const dynamic = "force-dynamic";

/**
 * One product image, from a multipart/form-data body (handle() reads it with
 * the upload limit). The use case reads and re-encodes the bytes: a file that
 * is not really an image is a 422 on body.file.
 */
export const POST = handle(addProductImage, async ({ params, body, user, signal }) => {
  const bytes = new Uint8Array(await body.file.arrayBuffer());
  const image = await withFieldPaths({}, () =>
    getServices().admin.products.addImage(actorOf(user), params.id, { bytes, alt: body.alt ?? "" }, signal),
  );
  return { status: 201, body: imageJson(image) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
