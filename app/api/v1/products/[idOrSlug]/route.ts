import { z } from "zod";
import { getServices } from "@/lib/composition/root";
import { AppError, isAppError } from "@/lib/domain/errors";
import { getProduct } from "../../_contract/catalog";
import { handle } from "../../_lib/handle";
import { productDetailsJson } from "../product-json";

export const dynamic = "force-dynamic";

export const GET = handle(getProduct, async ({ params, signal }) => {
  const services = getServices();
  const key = params.idOrSlug;
  let product;
  if (z.uuid().safeParse(key).success) {
    // A slug may look like a UUID (nothing forbids it): the id is tried first, then the slug.
    try {
      product = await services.catalog.getProductById(key.toLowerCase(), signal);
    } catch (error) {
      if (!isAppError(error, "not_found")) throw error;
      if (key !== key.toLowerCase()) throw new AppError("not_found", "No such product");
      product = await services.catalog.getProduct(key, signal);
    }
  } else {
    product = await services.catalog.getProduct(key, signal);
  }
  return { status: 200, body: productDetailsJson(product, services.env.APP_URL) };
});
