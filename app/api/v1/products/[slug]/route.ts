import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { route } from "@/app/_lib/http";
import { productDetailsJson } from "../product-json";

export const dynamic = "force-dynamic";

const paramsSchema = z.object({ slug: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug").max(160) }).strict();

export const GET = route({ params: paramsSchema }, async ({ params }) => {
  const services = getServices();
  return Response.json(productDetailsJson(await services.catalog.getProduct(params.slug), services.env.APP_URL));
});
