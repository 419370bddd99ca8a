import { getServices } from "@/lib/composition/root";
import { completeOrder } from "../../../../_contract/admin";
import { handle, otherMethods } from "../../../../_lib/handle";
import { ORDER_PATHS, actorOf, orderJson, withFieldPaths } from "../../../_lib/admin-json";

export const dynamic = "force-dynamic";

export const POST = handle(completeOrder, async ({ params, body, user, signal }) => {
  const order = await withFieldPaths(ORDER_PATHS, () =>
    getServices().admin.orders.complete(actorOf(user), { orderId: params.id, expectedVersion: body.expectedVersion }, signal),
  );
  return { status: 200, body: orderJson(order) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
