import { AppError } from "@/lib/domain/errors";
import { STALE_EDIT_MESSAGE } from "@/lib/application/admin/products/model";
import { getServices } from "@/lib/composition/root";
import { getProduct, updateProduct } from "../../../_contract/admin";
import { handle, otherMethods } from "../../../_lib/handle";
import { actorOf, productDetailJson, productJson, withFieldPaths } from "../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The product with its images and the version a PATCH is based on. */
export const GET = handle(getProduct, async ({ params, user, signal }) => {
  return { status: 200, body: productDetailJson(await getServices().admin.products.get(actorOf(user), params.id, signal)) };
});

/**
 * A partial update: the fields not sent keep the values of the version the
 * client names. The use case's compare-and-set on that version makes a change
 * based on an older version (read here or elsewhere) a 409 with nothing written.
 */
export const PATCH = handle(updateProduct, async ({ params, body, user, signal }) => {
  const products = getServices().admin.products;
  const actor = actorOf(user);
  const current = await products.get(actor, params.id, signal);
  if (current.version !== body.version) {
    throw new AppError("conflict", STALE_EDIT_MESSAGE, { fields: [{ path: "body.version", message: STALE_EDIT_MESSAGE }] });
  }
  await withFieldPaths({ form: "body.version" }, () =>
    products.update(
      actor,
      {
        productId: params.id,
        version: body.version,
        fields: {
          name: body.name ?? current.name,
          sku: body.sku ?? current.sku,
          slug: body.slug ?? current.slug,
          description: body.description ?? current.description,
          priceMinor: body.price?.amountMinor ?? current.priceMinor,
          lowStockThreshold: body.lowStockThreshold ?? current.lowStockThreshold,
          categoryIds: body.categoryIds ?? current.categoryIds,
        },
      },
      signal,
    ),
  );
  return { status: 200, body: productJson(await products.get(actor, params.id, signal)) };
});

export const { POST, PUT, DELETE } = otherMethods({ GET, PATCH });
