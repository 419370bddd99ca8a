import { formatPriceInput } from "@/lib/application/admin/products";
import { getServices } from "@/lib/composition/root";
import { createProduct } from "../../_contract/admin";
import { handle, otherMethods } from "../../_lib/handle";
import { actorOf, productJson, withFieldPaths } from "../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The back office's create, with the price converted from minor units to the form's decimal text by integer arithmetic. */
export const POST = handle(createProduct, async ({ body, user, signal }) => {
  const products = getServices().admin.products;
  const actor = actorOf(user);
  const { id } = await withFieldPaths({ price: "body.price.amountMinor" }, () =>
    products.create(
      actor,
      {
        name: body.name,
        sku: body.sku,
        slug: body.slug,
        description: body.description,
        price: formatPriceInput(body.price.amountMinor),
        lowStockThreshold: body.lowStockThreshold,
        categoryIds: body.categoryIds,
        initialStock: body.initialStock,
      },
      signal,
    ),
  );
  return { status: 201, body: productJson(await products.get(actor, id, signal)) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
