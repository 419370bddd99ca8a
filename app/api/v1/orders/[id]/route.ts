import { getServices } from "@/lib/composition/root";
import { getOrderEndpoint } from "../../_contract/orders";
import { handle, otherMethods } from "../../_lib/handle";
import { orderJson } from "../order-json";

export const dynamic = "force-dynamic";

export const GET = handle(getOrderEndpoint, async ({ params, user, signal }) => {
  const order = await getServices().orders.getForUser(user.id, params.id, signal);
  return { status: 200, body: orderJson(order) };
});

export const { POST, PUT, PATCH, DELETE } = otherMethods({ GET });
