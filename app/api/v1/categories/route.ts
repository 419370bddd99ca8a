import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { route } from "@/app/_lib/http";

export const dynamic = "force-dynamic";

/** No parameters yet; strict, so a client sending one learns it is ignored rather than assuming it works. */
const querySchema = z.object({}).strict();

/** GET /api/v1/categories: every category in display order, with its number of products. */
export const GET = route({ query: querySchema }, async () => {
  const categories = await getServices().catalog.listCategories();
  return Response.json({
    items: categories.map((c) => ({ slug: c.slug, name: c.name, description: c.description, productCount: c.productCount })),
  });
});
