import { makeEvent, type DomainEvent } from "../../domain/events";
import { transition, type Order, type StatusUpdate } from "../../domain/order";
import { orderCancelledEvent } from "../orders/order-events";
import type { Clock, IdGenerator, OutboxWriter, ProcessedEvents, UnitOfWork } from "../shared";

/** A change of one variant's stock (the unit of stock, ADR 016); productId is the variant's product. */
export interface StockChange {
  productId: string;
  variantId: string;
  delta: number;
  stock: number;
}

/** A quantity of one variant to take or give back. */
export interface StockLine {
  variantId: string;
  quantity: number;
}

export type ReservationResult =
  | { ok: true; changes: StockChange[] }
  | { ok: false; shortages: { variantId: string; requested: number; available: number }[] };

export interface ReserveStockRepos {
  processed: Pick<ProcessedEvents, "markProcessed">;
  orders: {
    /** Locks the order row until the transaction ends. */
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    /** Compare-and-set on status and version; records the change in the timeline. */
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  inventory: {
    /**
     * Takes every line or none. Variant rows are locked in ascending id order,
     * so concurrent reservations over overlapping variants cannot deadlock.
     */
    reserve(orderId: string, lines: readonly StockLine[], signal?: AbortSignal): Promise<ReservationResult>;
  };
  outbox: OutboxWriter;
}

export const INVENTORY_CONSUMER = "inventory";

export type ReserveOutcome = "reserved" | "rejected" | "duplicate" | "skipped";

/** Merges lines of the same variant and sorts by variant id: the one lock order for stock. */
export function lockOrder(lines: readonly StockLine[]): StockLine[] {
  const merged = new Map<string, number>();
  for (const l of lines) merged.set(l.variantId, (merged.get(l.variantId) ?? 0) + l.quantity);
  return [...merged.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([variantId, quantity]) => ({ variantId, quantity }));
}

export function makeReserveStock(deps: {
  uow: UnitOfWork<ReserveStockRepos>;
  ids: IdGenerator;
  clock: Clock;
  /** How long reserved stock waits for payment before the expiry job releases it. */
  reservationTtlMs: number;
}) {
  return function reserveStock(event: DomainEvent<"order.created">, signal?: AbortSignal): Promise<ReserveOutcome> {
    return deps.uow.run(async ({ processed, orders, inventory, outbox }) => {
      if (!(await processed.markProcessed(INVENTORY_CONSUMER, event.id, signal))) return "duplicate";
      const order = await orders.lockById(event.payload.orderId, signal);
      // Only a pending order needs stock; anything else was decided already.
      if (!order || order.status !== "pending") return "skipped";

      const result = await inventory.reserve(order.id, lockOrder(order.lines), signal);
      const now = deps.clock.now();
      if (result.ok) {
        await orders.updateStatus(
          {
            orderId: order.id,
            from: order.status,
            to: transition(order.status, "stock_reserved"),
            expectedVersion: order.version,
            reservedUntil: new Date(now.getTime() + deps.reservationTtlMs),
          },
          signal,
        );
        await outbox.append(
          makeEvent("inventory.updated", {
            id: deps.ids.uuid(),
            aggregateType: "order",
            aggregateId: order.id,
            occurredAt: now,
            payload: { reason: "reservation", orderId: order.id, changes: result.changes },
          }),
          signal,
        );
        return "reserved";
      }
      await orders.updateStatus(
        {
          orderId: order.id,
          from: order.status,
          to: transition(order.status, "cancelled"),
          cancellationReason: "out_of_stock",
          expectedVersion: order.version,
        },
        signal,
      );
      await outbox.append(
        orderCancelledEvent(order, { id: deps.ids.uuid(), at: now, reason: "out_of_stock", stockReserved: false }),
        signal,
      );
      return "rejected";
    }, signal);
  };
}

/** What a batch reservation needs to know of an order: read under its row lock. */
export interface ReservableOrder {
  id: string;
  userId: string;
  status: Order["status"];
  version: number;
  lines: readonly StockLine[];
}

/** One order's decision in a batch, written by `applyReservations`. */
export interface ReservationDecision {
  update: StatusUpdate;
  /** The ledger rows of a reservation, in the order they apply (empty when the order is refused). */
  movements: readonly { variantId: string; delta: number; stockAfter: number; orderId: string }[];
}

export interface ReserveStockBatchRepos {
  processed: {
    /** Marks the events handled; returns those that were not marked before. */
    markProcessedMany(consumer: string, eventIds: readonly string[], signal?: AbortSignal): Promise<ReadonlySet<string>>;
  };
  inventory: {
    /** Locks the orders (ascending id, before any variant) until the transaction ends; missing ones are left out. */
    lockOrdersForReservation(orderIds: readonly string[], signal?: AbortSignal): Promise<ReservableOrder[]>;
    /** Locks the variants in ascending id order (as `reserve` does) and returns their stock and product. */
    lockStock(variantIds: readonly string[], signal?: AbortSignal): Promise<Map<string, { stock: number; productId: string }>>;
    /**
     * Writes the decisions: each variant's final stock, every ledger row in
     * order, each order's status (compare-and-set on version, throws when one
     * changed) and its timeline entry.
     */
    applyReservations(decisions: readonly ReservationDecision[], signal?: AbortSignal): Promise<void>;
  };
  outbox: { appendMany(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void> };
}

/**
 * reserveStock for many order.created events in one transaction: what the
 * worker does when a backlog arrives. Each event has exactly the effect it
 * would have alone, taken in the given order: marked processed, its order
 * reserved (all lines or none) or cancelled for want of stock, with the same
 * events in the outbox. Lock order is the single path's, widened: all the
 * orders (ascending id), then all the variants (ascending id).
 */
export function makeReserveStockBatch(deps: {
  uow: UnitOfWork<ReserveStockBatchRepos>;
  ids: IdGenerator;
  clock: Clock;
  reservationTtlMs: number;
}) {
  return function reserveStockBatch(events: readonly DomainEvent<"order.created">[], signal?: AbortSignal): Promise<ReserveOutcome[]> {
    return deps.uow.run(async ({ processed, inventory, outbox }) => {
      const fresh = await processed.markProcessedMany(
        INVENTORY_CONSUMER,
        events.map((e) => e.id),
        signal,
      );
      const wanted = events.filter((e) => fresh.has(e.id)).map((e) => e.payload.orderId);
      const orders = new Map((await inventory.lockOrdersForReservation(wanted, signal)).map((o) => [o.id, { ...o }]));
      const pending = [...orders.values()].filter((o) => o.status === "pending");
      const stock = await inventory.lockStock([...new Set(pending.flatMap((o) => o.lines.map((l) => l.variantId)))], signal);

      const now = deps.clock.now();
      const seen = new Set<string>();
      const decisions: ReservationDecision[] = [];
      const outgoing: DomainEvent[] = [];
      const outcomes = events.map((event): ReserveOutcome => {
        // A redelivery, or the same event twice in this batch.
        if (!fresh.has(event.id) || seen.has(event.id)) return "duplicate";
        seen.add(event.id);
        const order = orders.get(event.payload.orderId);
        if (!order || order.status !== "pending") return "skipped";
        const lines = lockOrder(order.lines);
        const short = lines.some((l) => (stock.get(l.variantId)?.stock ?? 0) < l.quantity);
        if (!short) {
          const changes: StockChange[] = lines.map((l) => {
            const held = stock.get(l.variantId)!;
            const after = held.stock - l.quantity;
            stock.set(l.variantId, { ...held, stock: after });
            return { productId: held.productId, variantId: l.variantId, delta: -l.quantity, stock: after };
          });
          const to = transition(order.status, "stock_reserved");
          decisions.push({
            update: { orderId: order.id, from: order.status, to, expectedVersion: order.version, reservedUntil: new Date(now.getTime() + deps.reservationTtlMs) },
            movements: changes.map((c) => ({ variantId: c.variantId, delta: c.delta, stockAfter: c.stock, orderId: order.id })),
          });
          outgoing.push(
            makeEvent("inventory.updated", {
              id: deps.ids.uuid(),
              aggregateType: "order",
              aggregateId: order.id,
              occurredAt: now,
              payload: { reason: "reservation", orderId: order.id, changes },
            }),
          );
          // A later event of this order in the batch finds it decided, as it would in its own transaction.
          order.status = to;
          order.version += 1;
          return "reserved";
        }
        const to = transition(order.status, "cancelled");
        decisions.push({
          update: { orderId: order.id, from: order.status, to, cancellationReason: "out_of_stock", expectedVersion: order.version },
          movements: [],
        });
        outgoing.push(orderCancelledEvent(order, { id: deps.ids.uuid(), at: now, reason: "out_of_stock", stockReserved: false }));
        order.status = to;
        order.version += 1;
        return "rejected";
      });
      await inventory.applyReservations(decisions, signal);
      await outbox.appendMany(outgoing, signal);
      return outcomes;
    }, signal);
  };
}
