import { getServices } from "@/lib/composition/root";
import { declineMessage } from "@/lib/application/payments/pay-order";
import { payOrderEndpoint } from "../../../_contract/orders";
import { handle, otherMethods } from "../../../_lib/handle";
import { problemBody } from "@/app/_lib/http";
import { derivedKey, orderJson } from "../../order-json";

export const dynamic = "force-dynamic";

export const POST = handle(payOrderEndpoint, async ({ params, body, user, request, signal }) => {
  // handle() has already refused a request without one. One key is one payment
  // attempt: the processor sees the same key on a retry and charges once.
  const key = request.headers.get("idempotency-key")!;
  const services = getServices();
  const result = await services.payments.payOrder(
    { userId: user.id, email: user.email, orderId: params.id, cardNumber: body.cardNumber, paymentKey: derivedKey("payment", user.id, key) },
    signal,
  );
  if (!result.paid) {
    const problem = problemBody(402, "payment_declined", `${declineMessage(result.reason)} Nothing was charged; try again with a new Idempotency-Key or another card.`);
    return { status: 402, body: { ...problem.body, declineReason: result.reason } };
  }
  // Read back, so the answer has the timeline entry the payment wrote.
  return { status: 200, body: orderJson(await services.orders.getForUser(user.id, result.order.id, signal)) };
});

export const { GET, PUT, PATCH, DELETE } = otherMethods({ POST });
