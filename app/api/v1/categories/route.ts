import { getServices } from "@/lib/composition/root";
import { listCategories } from "../_contract/catalog";
import { handle, otherMethods } from "../_lib/handle";

export const dynamic = "force-dynamic";

/** GET /api/v1/categories: every category in display order, with its number of products on sale. */
export const GET = handle(listCategories, async ({ signal }) => {
  const categories = await getServices().catalog.listCategories(signal);
  return {
    status: 200,
    body: { items: categories.map((c) => ({ id: c.id, slug: c.slug, name: c.name, description: c.description, productCount: c.productCount })) },
  };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
