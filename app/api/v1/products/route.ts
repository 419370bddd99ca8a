import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { route } from "@/app/_lib/http";
import { productJson } from "./product-json";

export const dynamic = "force-dynamic";

const querySchema = z
  .object({
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(24),
  })
  .strict();

export const GET = route({ query: querySchema }, async ({ query }) => {
  const page = await getServices().catalog.listProducts({ page: query.page, pageSize: query.pageSize });
  return Response.json({
    items: page.items.map(productJson),
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
    pageCount: page.pageCount,
  });
});
