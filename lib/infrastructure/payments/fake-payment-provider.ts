import { setTimeout as delay } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import type { AuthorizationResult, PaymentProvider } from "../../application/payments/pay-order";

/**
 * A stand-in for a card processor that behaves like one: it takes time,
 * validates the card number (Luhn), declines the well-known test cards
 * (4000 0000 0000 0002 declined, 4000 0000 0000 9995 insufficient funds,
 * 4000 0000 0000 0069 expired) and approves others, and answers a repeated
 * idempotency key with its first answer. `failWith` makes every authorisation
 * fail with that reason (PAYMENTS_FAKE_FAIL), for tests and demos.
 */
export class FakePaymentProvider implements PaymentProvider {
  private readonly answers = new Map<string, Promise<AuthorizationResult>>();

  constructor(private readonly options: { latencyMs: number; failWith?: string }) {}

  authorize(request: Parameters<PaymentProvider["authorize"]>[0], signal?: AbortSignal): Promise<AuthorizationResult> {
    const earlier = this.answers.get(request.idempotencyKey);
    if (earlier) return earlier;
    const answer = this.decide(request.cardNumber, signal);
    this.answers.set(request.idempotencyKey, answer);
    // A failed call (e.g. cancelled) may be retried with the same key.
    answer.catch(() => this.answers.delete(request.idempotencyKey));
    return answer;
  }

  private async decide(cardNumber: string, signal?: AbortSignal): Promise<AuthorizationResult> {
    await delay(this.options.latencyMs, undefined, { signal });
    if (this.options.failWith) return { ok: false, reason: this.options.failWith };
    if (!luhn(cardNumber)) return { ok: false, reason: "invalid_card" };
    const declined: Record<string, string> = {
      "4000000000000002": "card_declined",
      "4000000000009995": "insufficient_funds",
      "4000000000000069": "expired_card",
    };
    const reason = declined[cardNumber];
    return reason ? { ok: false, reason } : { ok: true, reference: `fake_${randomUUID()}` };
  }
}

export function luhn(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
