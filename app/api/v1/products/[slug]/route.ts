import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { route } from "@/app/_lib/http";
import { productJson } from "../product-json";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug").max(160) });

export const GET = route({ params: paramsSchema }, async ({ params }) => {
  return Response.json(productJson(await getServices().catalog.getProduct(params.slug)));
});
