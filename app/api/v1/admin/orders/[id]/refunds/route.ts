import { getServices } from "@/lib/composition/root";
import { refundOrder } from "../../../../_contract/admin";
import { handle, otherMethods } from "../../../../_lib/handle";
import { derivedKey } from "../../../../orders/order-json";
import { ORDER_PATHS, actorOf, refundJson, withFieldPaths } from "../../../_lib/admin-json";

export const dynamic = "force-dynamic";

/** A full or partial refund; more than is left is a 422 on body.amountMinor, with nothing written. */
export const POST = handle(refundOrder, async ({ params, body, user, request, signal }) => {
  // handle() has already refused a request without one. The refund row keeps a
  // key derived from it, so one key refunds once even after the stored answer expired.
  const requestKey = derivedKey("refund", user.id, request.headers.get("idempotency-key")!);
  const refund = await withFieldPaths(ORDER_PATHS, () =>
    getServices().admin.refundOrder(actorOf(user), { orderId: params.id, amountMinor: body.amountMinor, requestKey }, signal),
  );
  return { status: 201, body: refundJson(params.id, refund) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
