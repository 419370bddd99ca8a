import { DEFAULT_LOW_STOCK_THRESHOLD } from "@/lib/application/admin/products/fields";
import { getServices } from "@/lib/composition/root";
import { createProduct } from "../../_contract/admin";
import { handle, otherMethods } from "../../_lib/handle";
import { actorOf, productJson, withFieldPaths } from "../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The back office's create: the body was checked by the products' own rules (the contract), so it goes in as it is. */
export const POST = handle(createProduct, async ({ body, user, signal }) => {
  const products = getServices().admin.products;
  const actor = actorOf(user);
  const { price, slug, description = "", lowStockThreshold = DEFAULT_LOW_STOCK_THRESHOLD, initialStock = 0, ...rest } = body;
  const { id } = await withFieldPaths({}, () =>
    products.create(actor, { ...rest, ...(slug ? { slug } : {}), description, priceMinor: price.amountMinor, lowStockThreshold, initialStock }, signal),
  );
  return { status: 201, body: productJson(await products.get(actor, id, signal)) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
