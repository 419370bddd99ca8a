import { getServices } from "@/lib/composition/root";
import { cancelOrderEndpoint } from "../../../_contract/orders";
import { handle, otherMethods } from "../../../_lib/handle";
import { orderJson } from "../../order-json";

export const dynamic = "force-dynamic";

export const POST = handle(cancelOrderEndpoint, async ({ params, user, signal }) => {
  const services = getServices();
  await services.orders.cancelOrder({ userId: user.id, orderId: params.id }, signal);
  // Read back, so the answer has the timeline entry the cancellation wrote.
  return { status: 200, body: orderJson(await services.orders.getForUser(user.id, params.id, signal)) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
