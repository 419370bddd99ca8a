import { AppError, isAppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { money, multiply, sum, type Money } from "../../domain/money";
import type { Cart } from "../../domain/cart";
import type { Order, OrderLine } from "../../domain/order";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";

export interface NewOrder {
  id: string;
  userId: string;
  checkoutKey: string;
  subtotal: Money;
  shipping: Money;
  total: Money;
  lines: readonly OrderLine[];
  createdAt: Date;
}

export interface PlaceOrderRepos {
  carts: {
    /** Locks the user's cart row (if any) until the transaction ends and returns its current contents. */
    lockAndLoad(userId: string, signal?: AbortSignal): Promise<Cart | null>;
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
}

export interface PlaceOrderResult {
  order: Order;
  /** False when this call found the order an earlier submission of the same attempt created. */
  created: boolean;
}

export function makePlaceOrder(deps: { uow: UnitOfWork<PlaceOrderRepos>; ids: IdGenerator; clock: Clock }) {
  const attempt = (input: PlaceOrderInput, signal?: AbortSignal) =>
    deps.uow.run(async ({ carts, orders, outbox }): Promise<PlaceOrderResult> => {
      // Lock first, then look for an earlier order: a concurrent submission of the
      // same attempt waits here and then sees the order the first one committed.
      const cart = await carts.lockAndLoad(input.userId, signal);
      const existing = await orders.findByCheckoutKey(input.userId, input.checkoutKey, signal);
      if (existing) return { order: existing, created: false };
      if (!cart || cart.lines.length === 0) throw new AppError("validation", "Your cart is empty");

      const currency = cart.lines[0]!.product.price.currency;
      const lines: OrderLine[] = cart.lines.map((l) => ({
        productId: l.product.id,
        sku: l.product.sku,
        name: l.product.name,
        unitPrice: money(l.product.price.amountMinor, l.product.price.currency),
        quantity: l.quantity,
      }));
      const subtotal = sum(lines.map((l) => multiply(l.unitPrice, l.quantity)), currency);
      // Shipping is not charged yet; the checkout with addresses brings the rule.
      const shipping = money(0, currency);
      const total = sum([subtotal, shipping], currency);
      const now = deps.clock.now();
      const order = await orders.create(
        { id: deps.ids.uuid(), userId: input.userId, checkoutKey: input.checkoutKey, subtotal, shipping, total, lines, createdAt: now },
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
            currency,
            totalMinor: total.amountMinor,
            lines: lines.map((l) => ({
              productId: l.productId,
              sku: l.sku,
              name: l.name,
              unitPriceMinor: l.unitPrice.amountMinor,
              quantity: l.quantity,
            })),
          },
        }),
        signal,
      );
      await carts.clear(cart.id!, signal);
      return { order, created: true };
    }, signal);

  return async function placeOrder(input: PlaceOrderInput, signal?: AbortSignal): Promise<PlaceOrderResult> {
    try {
      return await attempt(input, signal);
    } catch (error) {
      // The unique (user, checkout key) constraint is the last line of defence
      // against a duplicate that slipped past the lock (e.g. a user with no
      // cart row yet): the loser of that race returns the winner's order.
      if (!isAppError(error, "conflict")) throw error;
      const again = await attempt(input, signal);
      if (!again.created) return again;
      throw new AppError("internal", "order conflicted but no earlier order was found", { cause: error });
    }
  };
}
