import { parseShippingAddress, type ShippingAddress } from "../../domain/address";
import { AppError, isAppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { formatMoney, type Money } from "../../domain/money";
import type { Cart } from "../../domain/cart";
import { offerName } from "../../domain/catalog";
import { orderLineRecord, type Order, type OrderLine } from "../../domain/order";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import { quoteCart } from "./checkout-quote";

export interface NewOrder {
  id: string;
  userId: string;
  checkoutKey: string;
  subtotal: Money;
  shipping: Money;
  total: Money;
  shipTo: ShippingAddress;
  lines: readonly OrderLine[];
  createdAt: Date;
}

export interface PlaceOrderRepos {
  carts: {
    /** Locks the user's cart row (if any) until the transaction ends and returns its current contents. */
    lockAndLoad(userId: string, signal?: AbortSignal): Promise<(Cart & { archivedVariantIds?: readonly string[] }) | null>;
    clear(cartId: string, signal?: AbortSignal): Promise<void>;
  };
  orders: {
    findByCheckoutKey(userId: string, checkoutKey: string, signal?: AbortSignal): Promise<Order | null>;
    /** Throws AppError("conflict") when (userId, checkoutKey) already exists. */
    create(order: NewOrder, signal?: AbortSignal): Promise<Order>;
  };
  outbox: OutboxWriter;
}

export interface PlaceOrderInput {
  userId: string;
  email: string;
  /** One per checkout attempt (the form carries it): a resubmission returns the same order. */
  checkoutKey: string;
  /** Validated again here, whoever calls. */
  shipTo: ShippingAddress;
  /**
   * The total the shopper reviewed. When the cart now costs something else
   * (changed in another tab, a price changed), nothing is placed: the shopper
   * reviews again instead of being charged an amount they did not see.
   */
  expectedTotalMinor?: number;
}

export interface PlaceOrderResult {
  order: Order;
  /** False when this call found the order an earlier submission of the same attempt created. */
  created: boolean;
}

export function makePlaceOrder(deps: {
  uow: UnitOfWork<PlaceOrderRepos>;
  ids: IdGenerator;
  clock: Clock;
  /** Told once per order created, after its transaction committed (the web counts orders with it). */
  onPlaced?: (order: Order) => void;
}) {
  const attempt = (input: PlaceOrderInput, shipTo: ShippingAddress, signal?: AbortSignal) =>
    deps.uow.run(async ({ carts, orders, outbox }): Promise<PlaceOrderResult> => {
      // Lock first, then look for an earlier order: a concurrent submission of the
      // same attempt waits here and then sees the order the first one committed.
      const cart = await carts.lockAndLoad(input.userId, signal);
      const existing = await orders.findByCheckoutKey(input.userId, input.checkoutKey, signal);
      if (existing) return { order: existing, created: false };
      if (!cart || cart.lines.length === 0) {
        // Typically emptied in another tab (or ordered there) after this review was shown.
        throw new AppError("validation", "Your cart is empty, so nothing was ordered.", { fields: [{ path: "cart", message: "empty" }] });
      }

      const archived = cart.lines.filter((l) => cart.archivedVariantIds?.includes(l.product.variantId));
      if (archived.length > 0) {
        // Archived after it was added: no longer sold, so nothing is ordered.
        const names = archived.map((l) => offerName(l.product)).join(", ");
        throw new AppError(
          "validation",
          `${names} ${archived.length === 1 ? "is" : "are"} no longer sold. Please remove ${archived.length === 1 ? "it" : "them"} from your cart, then place the order.`,
          { fields: [{ path: "cart", message: "no longer sold" }] },
        );
      }

      const { lines, subtotal, shipping, total } = quoteCart(cart)!;
      if (input.expectedTotalMinor !== undefined && input.expectedTotalMinor !== total.amountMinor) {
        throw new AppError(
          "validation",
          `Your cart changed since you reviewed it: the total is now ${formatMoney(total)}. Please check it and place the order again.`,
          { fields: [{ path: "total", message: "changed" }] },
        );
      }
      const now = deps.clock.now();
      const order = await orders.create(
        { id: deps.ids.uuid(), userId: input.userId, checkoutKey: input.checkoutKey, subtotal, shipping, total, shipTo, lines, createdAt: now },
        signal,
      );
      await outbox.append(
        makeEvent("order.created", {
          id: deps.ids.uuid(),
          aggregateType: "order",
          aggregateId: order.id,
          occurredAt: now,
          payload: {
            orderId: order.id,
            userId: input.userId,
            email: input.email,
            currency: total.currency,
            subtotalMinor: subtotal.amountMinor,
            shippingMinor: shipping.amountMinor,
            totalMinor: total.amountMinor,
            shipTo,
            lines: lines.map(orderLineRecord),
          },
        }),
        signal,
      );
      await carts.clear(cart.id!, signal);
      return { order, created: true };
    }, signal);

  async function placeOnce(input: PlaceOrderInput, signal?: AbortSignal): Promise<PlaceOrderResult> {
    const shipTo = parseShippingAddress(input.shipTo);
    try {
      return await attempt(input, shipTo, signal);
    } catch (error) {
      // The unique (user, checkout key) constraint is the last line of defence
      // against a duplicate that slipped past the lock (e.g. a user with no
      // cart row yet): the loser of that race returns the winner's order.
      if (!isAppError(error, "conflict")) throw error;
      const again = await attempt(input, shipTo, signal);
      if (!again.created) return again;
      throw new AppError("internal", "order conflicted but no earlier order was found", { cause: error });
    }
  }

  return async function placeOrder(input: PlaceOrderInput, signal?: AbortSignal): Promise<PlaceOrderResult> {
    const result = await placeOnce(input, signal);
    // Not for a resubmission answered with its earlier order: that order was told of when it was created.
    if (result.created) deps.onPlaced?.(result.order);
    return result;
  };
}
