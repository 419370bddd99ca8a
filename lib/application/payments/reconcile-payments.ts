import type { ReconciliationDifference } from "../../domain/payment";
import { requireAdmin, type Actor } from "../admin/access";
import type { Clock } from "../shared";
import type { PaymentLedger } from "./payment-provider";

/** The shop's side: per order with payment attempts since `since`, what its records say it holds. */
export interface ShopPaymentBooks {
  heldByOrder(since: Date, signal?: AbortSignal): Promise<Map<string, { heldMinor: number; settling: boolean }>>;
}

export interface Reconciliation {
  readonly since: Date;
  /** Orders either side has money records for. */
  readonly checkedOrders: number;
  /** Orders with a payment in flight or a void not yet made: compared once they settle. */
  readonly settlingOrders: number;
  readonly differences: readonly ReconciliationDifference[];
}

/**
 * Compares the processor's books with the shop's, order by order: what the
 * processor holds (charged − voided − refunded) must equal what the shop's
 * rows say it holds (charges − confirmed refunds). A difference is money
 * taken and not accounted for, or accounted for and not taken.
 */
export function makeReconcilePayments(deps: { shop: ShopPaymentBooks; ledger: PaymentLedger; clock: Clock; windowDays?: number }) {
  const windowMs = (deps.windowDays ?? 30) * 86_400_000;
  return async function reconcilePayments(actor: Actor | null, options: { since?: Date } = {}, signal?: AbortSignal): Promise<Reconciliation> {
    requireAdmin(actor);
    const since = options.since ?? new Date(deps.clock.now().getTime() - windowMs);
    const [shop, processor] = await Promise.all([deps.shop.heldByOrder(since, signal), deps.ledger.netByOrder(since, signal)]);
    const differences: ReconciliationDifference[] = [];
    let settling = 0;
    for (const orderId of new Set([...shop.keys(), ...processor.keys()])) {
      const ours = shop.get(orderId);
      if (ours?.settling) {
        settling++;
        continue;
      }
      const shopMinor = ours?.heldMinor ?? 0;
      const processorMinor = processor.get(orderId) ?? 0;
      if (shopMinor !== processorMinor) differences.push({ orderId, shopMinor, processorMinor });
    }
    return { since, checkedOrders: new Set([...shop.keys(), ...processor.keys()]).size, settlingOrders: settling, differences };
  };
}
