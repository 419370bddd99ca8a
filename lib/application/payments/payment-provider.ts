import type { Money } from "../../domain/money";

export type ChargeAnswer = { ok: true; reference: string } | { ok: false; reason: string };

/**
 * A card processor. Every call carries a key the shop derives from its own
 * rows (the attempt's or the refund's id), and the processor answers a
 * repeated key with its first answer: a call retried after a timeout or a
 * crash never charges, voids or refunds twice. A call that throws has an
 * unknown outcome; the caller records that durably and retries or voids.
 */
export interface PaymentProvider {
  /** Authorises and captures `amount` in one step (a sale). A decline is an answer, not an error. */
  charge(
    request: { key: string; orderId: string; amount: Money; cardNumber: string; description: string },
    signal: AbortSignal,
  ): Promise<ChargeAnswer>;
  /**
   * Reverses the charge made with `chargeKey` in full, before it settles. When
   * no such charge was made, the key is barred: a charge arriving later with it
   * is refused. `voided` says whether money had been taken.
   */
  void(request: { key: string; chargeKey: string; orderId: string }, signal: AbortSignal): Promise<{ voided: boolean }>;
  /** Gives back `amount` of the charge made with `chargeKey`. */
  refund(request: { key: string; chargeKey: string; orderId: string; amount: Money }, signal: AbortSignal): Promise<{ reference: string }>;
}

/** The processor's own books, for reconciliation: per order it saw since `since`, charged − voided − refunded. */
export interface PaymentLedger {
  netByOrder(since: Date, signal?: AbortSignal): Promise<Map<string, number>>;
}

/**
 * Bounds every processor call by `timeoutMs` (and by the caller's signal, when
 * given). The processor is never waited on without a limit.
 */
export function withTimeout(provider: PaymentProvider, timeoutMs: number): PaymentProvider {
  const bound = (signal: AbortSignal) => AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  return {
    charge: (request, signal) => provider.charge(request, bound(signal)),
    void: (request, signal) => provider.void(request, bound(signal)),
    refund: (request, signal) => provider.refund(request, bound(signal)),
  };
}

/** A signal that never aborts: work that must finish once the processor has been asked is not tied to the request. */
export const NEVER = new AbortController().signal;
