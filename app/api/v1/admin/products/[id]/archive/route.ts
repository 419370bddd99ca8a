import { getServices } from "@/lib/composition/root";
import { archiveProduct } from "../../../../_contract/admin";
import { handle, otherMethods } from "../../../../_lib/handle";
import { actorOf, productJson } from "../../../_lib/admin-json";

export const dynamic = "force-dynamic";

export const POST = handle(archiveProduct, async ({ params, user, signal }) => {
  const products = getServices().admin.products;
  const actor = actorOf(user);
  await products.archive(actor, params.id, signal);
  return { status: 200, body: productJson(await products.get(actor, params.id, signal)) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
