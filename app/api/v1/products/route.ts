import { getServices } from "@/lib/composition/root";
import { listProducts } from "../_contract/catalog";
import { handle, otherMethods } from "../_lib/handle";
import { encodeCursor } from "./cursor";
import { productJson, withFieldPrefix } from "./product-json";

export const dynamic = "force-dynamic";

export const GET = handle(listProducts, async ({ query, signal }) => {
  const services = getServices();
  const result = await withFieldPrefix("query", () =>
    services.catalog.browseProducts(
      {
        q: query.q,
        category: query.category,
        minPriceMinor: query.minPrice,
        maxPriceMinor: query.maxPrice,
        inStockOnly: query.inStock,
        sort: query.sort,
        limit: query.limit,
        cursor: query.cursor,
      },
      signal,
    ),
  );
  return {
    status: 200,
    body: {
      items: result.items.map((p) => productJson(p, services.env.APP_URL)),
      next: result.next ? encodeCursor(result.next) : null,
      sort: result.sort,
      matchedBy: result.matchedBy,
      didYouMean: result.didYouMean,
    },
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
