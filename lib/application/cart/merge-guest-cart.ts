import { mergeLine, NOTHING_MERGED, type Cart, type MergeAdjustment, type MergeResult } from "../../domain/cart";
import type { UnitOfWork } from "../shared";

export interface MergeGuestCartRepos {
  carts: {
    /**
     * Creates the user's cart if missing, then row-locks it and the guest's cart
     * (when there is one) in ascending id order, until the transaction ends.
     * A guest cart deleted by a merge that committed meanwhile is not returned.
     */
    lockForMerge(userId: string, guestTokenHash: string, signal?: AbortSignal): Promise<{ userCartId: string; guestCartId: string | null }>;
    loadById(cartId: string, signal?: AbortSignal): Promise<Cart>;
    setQuantity(cartId: string, line: { productId: string; variantId: string }, quantity: number, signal?: AbortSignal): Promise<void>;
    removeVariant(cartId: string, variantId: string, signal?: AbortSignal): Promise<void>;
    /** Deletes the cart and its lines. */
    delete(cartId: string, signal?: AbortSignal): Promise<void>;
  };
}

/**
 * Moves a guest's cart into the account the guest just signed in to. One
 * transaction: the lines are added up (capped at stock and the line limit) and
 * the guest cart is deleted, so a second merge of the same guest cart, even a
 * concurrent one, finds nothing to do. Locking both carts in id order means two
 * merges, or a merge and a checkout, cannot deadlock.
 */
export function makeMergeGuestCart(deps: { uow: UnitOfWork<MergeGuestCartRepos> }) {
  return function mergeGuestCart(input: { userId: string; guestTokenHash: string }, signal?: AbortSignal): Promise<MergeResult> {
    return deps.uow.run(async ({ carts }) => {
      const { userCartId, guestCartId } = await carts.lockForMerge(input.userId, input.guestTokenHash, signal);
      if (!guestCartId) return NOTHING_MERGED;
      const guest = await carts.loadById(guestCartId, signal);
      const account = await carts.loadById(userCartId, signal);
      let itemsAdded = 0;
      const adjustments: MergeAdjustment[] = [];
      for (const line of guest.lines) {
        const before = account.lines.find((l) => l.product.variantId === line.product.variantId)?.quantity ?? 0;
        const { quantity, adjustment } = mergeLine(line.product, before, line.quantity);
        if (adjustment) adjustments.push(adjustment);
        itemsAdded += Math.max(0, quantity - before);
        if (quantity === before) continue;
        if (quantity === 0) await carts.removeVariant(userCartId, line.product.variantId, signal);
        else await carts.setQuantity(userCartId, { productId: line.product.id, variantId: line.product.variantId }, quantity, signal);
      }
      await carts.delete(guestCartId, signal);
      return { itemsAdded, adjustments };
    }, signal);
  };
}
