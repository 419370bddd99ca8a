import { getServices } from "@/lib/composition/root";
import { getProduct } from "../../_contract/catalog";
import { handle, otherMethods } from "../../_lib/handle";
import { productDetailsJson } from "../product-json";

export const dynamic = "force-dynamic";

export const GET = handle(getProduct, async ({ params, signal }) => {
  const services = getServices();
  const product = await services.catalog.getProductByIdOrSlug(params.idOrSlug, signal);
  return { status: 200, body: productDetailsJson(product, services.env.APP_URL) };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
