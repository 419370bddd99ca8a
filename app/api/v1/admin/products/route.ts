import { formatPriceInput } from "@/lib/application/admin/products";
import { getServices } from "@/lib/composition/root";
import { createProduct, listProducts } from "../../_contract/admin";
import { handle, otherMethods } from "../../_lib/handle";
import { actorOf, productJson, productSummaryJson, withFieldPaths } from "../_lib/admin-json";

export const dynamic = "force-dynamic";

const LIST_PATHS = { q: "query.q", category: "query.category", status: "query.status", stock: "query.stock", page: "query.page", pageSize: "query.pageSize", form: "query" };

/** The back office's list (offset pages, by name), each item with the version a PATCH needs. */
export const GET = handle(listProducts, async ({ query, user, signal }) => {
  const { items, total, page, pageSize, pageCount } = await withFieldPaths(LIST_PATHS, () =>
    getServices().admin.products.list(
      actorOf(user),
      { q: query.q, category: query.category, status: query.status, stock: query.stock, page: query.page, pageSize: query.pageSize },
      signal,
    ),
  );
  return { status: 200, body: { items: items.map(productSummaryJson), page, pageSize, total, pageCount } };
});

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

export const { PUT, PATCH, DELETE } = otherMethods({ GET, POST });
