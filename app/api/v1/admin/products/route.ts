import { DEFAULT_LOW_STOCK_THRESHOLD } from "@/lib/application/admin/products/fields";
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

export const { PUT, PATCH, DELETE } = otherMethods({ GET, POST });
