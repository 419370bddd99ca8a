import type { ChargeAnswer, PaymentProvider } from "../../application/payments/payment-provider";
import { inSpan, SpanKind } from "../observability/tracing";

/**
 * The card processor's calls as client spans of the request or job that made
 * them (ADR 013): a slow or failing processor shows in the checkout's trace.
 * No card data goes on the span; the order and the idempotency key do.
 */
export function traced(provider: PaymentProvider, system: string): PaymentProvider {
  const attributes = (operation: string, request: { key: string; orderId: string }) => ({
    "payment.system": system,
    "payment.operation": operation,
    "payment.idempotency_key": request.key,
    "storefront.order_id": request.orderId,
  });
  return {
    charge: (request, signal) =>
      inSpan("payment charge", { kind: SpanKind.CLIENT, attributes: attributes("charge", request) }, async (span): Promise<ChargeAnswer> => {
        const answer = await provider.charge(request, signal);
        span.setAttribute("payment.outcome", answer.ok ? "approved" : `declined: ${answer.reason}`);
        return answer;
      }),
    void: (request, signal) => inSpan("payment void", { kind: SpanKind.CLIENT, attributes: attributes("void", request) }, () => provider.void(request, signal)),
    refund: (request, signal) => inSpan("payment refund", { kind: SpanKind.CLIENT, attributes: attributes("refund", request) }, () => provider.refund(request, signal)),
  };
}
