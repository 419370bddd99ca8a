import { getServices } from "@/lib/composition/root";
import { getOrder } from "../../../_contract/admin";
import { handle, otherMethods } from "../../../_lib/handle";
import { actorOf, orderJson } from "../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** The order as the transitions answer it, with the version the next one names as expectedVersion. */
export const GET = handle(getOrder, async ({ params, user, signal }) => {
  const { order } = await getServices().admin.orders.get(actorOf(user), params.id, signal);
  return { status: 200, body: orderJson(order) };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
