import { z } from "zod";
import { parseInput } from "../../domain/validation";
import { AppError, isAppError } from "../../domain/errors";
import { makeEvent } from "../../domain/events";
import { HOLDS_STOCK, ORDER_STATUSES, transition, type Order, type OrderStatus, type StatusUpdate } from "../../domain/order";
import type { Money } from "../../domain/money";
import { isRefundDue, type OrderPayment, type PaymentState } from "../../domain/payment";
import { orderCancelledEvent } from "../orders/order-events";
import { openCancellationRefund, type RefundRepos } from "../payments/refunds";
import type { Clock, IdGenerator, OutboxWriter, UnitOfWork } from "../shared";
import { requireAdmin, type Actor } from "./access";
import { decodeOrderCursor, encodeOrderCursor, type OrderPageCursor } from "../orders/order-queries";

/** What the back office's order list filters on; every field optional. Dates are whole UTC days, both ends inclusive. */
export interface AdminOrderFilters {
  readonly status?: OrderStatus;
  readonly createdFrom?: Date;
  /** Start of the day after the last day asked for (exclusive bound). */
  readonly createdBefore?: Date;
  /** Lower-cased; matches an email exactly or as its beginning. */
  readonly emailPrefix?: string;
}

/** A position in the list (created_at desc, id asc): the page continues after it. */
/** The shopper's order pages and the back office's use one cursor format. */
export type OrderCursor = OrderPageCursor;

export interface AdminOrderRow {
  readonly id: string;
  readonly status: OrderStatus;
  readonly customerEmail: string;
  readonly total: Money;
  readonly refundDue: boolean;
  readonly createdAt: Date;
  /** Bumped on every status change; a transition names the version it is based on. */
  readonly version: number;
}

export interface AdminPaymentAttempt {
  readonly state: PaymentState;
  readonly reason: string | null;
  readonly reference: string | null;
  readonly cardLast4: string;
  readonly amount: Money;
  readonly at: Date;
}

export interface AdminTimelineEntry {
  readonly status: OrderStatus;
  readonly reason: string | null;
  readonly at: Date;
  /** The admin who made the change; null for the shopper or the system. */
  readonly actorEmail: string | null;
}

export interface AdminOrderDetail {
  readonly order: Order;
  readonly customer: { readonly id: string; readonly email: string; readonly name: string };
  readonly payments: readonly AdminPaymentAttempt[];
  readonly timeline: readonly AdminTimelineEntry[];
}

/** The back office's read side over orders. */
export interface AdminOrderReader {
  /** Up to `limit` orders after the cursor, newest first (created_at desc, id asc). */
  list(filters: AdminOrderFilters, after: OrderCursor | null, limit: number, signal?: AbortSignal): Promise<AdminOrderRow[]>;
  detail(orderId: string, signal?: AbortSignal): Promise<AdminOrderDetail | null>;
}

export interface AdminOrderRepos {
  orders: {
    /** Locks the order row until the transaction ends. */
    lockById(orderId: string, signal?: AbortSignal): Promise<Order | null>;
    /** Compare-and-set on status and version; records the change (with its actor) in the timeline. */
    updateStatus(update: StatusUpdate, signal?: AbortSignal): Promise<void>;
  };
  orderAdmin: {
    /** The email of the order's customer, for the order.shipped event. */
    customerEmail(userId: string, signal?: AbortSignal): Promise<string | null>;
  };
  outbox: OutboxWriter;
  payments: RefundRepos["payments"];
  refunds: RefundRepos["refunds"];
}

export const ADMIN_ORDERS_PAGE_SIZE = 20;
export const STALE_ORDER_MESSAGE = "This order changed since you opened it — reload to see its current state";

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD")
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), "Enter a real date");
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** The list's query as it arrives from a URL or a form: strings, all optional; blanks mean "any". */
export const adminOrderListInput = z
  .object({
    status: z.preprocess(blankToUndefined, z.enum(ORDER_STATUSES, { message: "Choose a status from the list" }).optional()),
    from: z.preprocess(blankToUndefined, day.optional()),
    to: z.preprocess(blankToUndefined, day.optional()),
    email: z.preprocess(
      blankToUndefined,
      z.string().trim().toLowerCase().max(254, "At most 254 characters").regex(/^[^\s]+$/, "An email (or its beginning) has no spaces").optional(),
    ),
    after: z.preprocess(blankToUndefined, z.string().max(200).optional()),
    /** Orders per page; the back office's own pages use the default. */
    limit: z.number().int().min(1).max(100).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: "The end date is before the start date", path: ["to"] });
export type AdminOrderListInput = z.input<typeof adminOrderListInput>;

const orderId = z.uuid({ message: "No such order" });
// The version the admin's page (or API client) read; a form reads its text into a number at the edge.
const expectedVersion = z.number({ message: "Reload the order and try again" }).int("Reload the order and try again").nonnegative("Reload the order and try again");
/** The transitions' rules, for the use cases and for the API body that reads their input. */
export const orderTransitionRules = {
  expectedVersion,
  trackingReference: z
    .string({ message: "Enter the carrier's tracking reference" })
    .trim()
    .min(1, "Enter the carrier's tracking reference")
    .max(100, "At most 100 characters")
    .regex(/^[\p{L}\p{N} ._/-]+$/u, "Letters, digits, spaces and . _ / - only"),
};
const transitionInput = z.object({ orderId, expectedVersion });
const shipInput = transitionInput.extend({ trackingReference: orderTransitionRules.trackingReference });

const parse = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => parseInput(schema, input);

export interface AdminOrderListResult {
  readonly items: readonly AdminOrderRow[];
  /** Cursor of the next page, or null on the last one. */
  readonly next: string | null;
}

/**
 * The back office's order use cases. Every one checks the actor first; the
 * transitions lock the order, refuse a stale form (its version), move the
 * status through the domain's state machine, record who did it, and append the
 * event, all in one transaction.
 */
export function makeAdminOrders(deps: {
  uow: UnitOfWork<AdminOrderRepos>;
  reader: AdminOrderReader;
  ids: IdGenerator;
  clock: Clock;
  pageSize?: number;
}) {
  const pageSize = deps.pageSize ?? ADMIN_ORDERS_PAGE_SIZE;

  /** Runs one admin transition: lock, version check, state machine, update, event. */
  function move(
    actor: Actor,
    input: { orderId: string; expectedVersion: number },
    to: OrderStatus,
    build: (
      order: Order,
      now: Date,
      repos: AdminOrderRepos,
    ) => Promise<{ update: Partial<StatusUpdate>; event: Parameters<OutboxWriter["append"]>[0]; payment?: OrderPayment }>,
    signal?: AbortSignal,
  ): Promise<Order> {
    return deps.uow.run(async (repos) => {
      const order = await repos.orders.lockById(input.orderId, signal);
      if (!order) throw new AppError("not_found", "No such order");
      if (order.version !== input.expectedVersion) throw new AppError("conflict", STALE_ORDER_MESSAGE);
      const next = transition(order.status, to);
      const now = deps.clock.now();
      const built = await build(order, now, repos);
      const { update, event } = built;
      try {
        await repos.orders.updateStatus(
          { ...update, orderId: order.id, from: order.status, to: next, expectedVersion: order.version, actorId: actor.id, at: now },
          signal,
        );
      } catch (error) {
        if (isAppError(error, "conflict")) throw new AppError("conflict", STALE_ORDER_MESSAGE, { cause: error });
        throw error;
      }
      await repos.outbox.append(event, signal);
      return {
        ...order,
        status: next,
        version: order.version + 1,
        updatedAt: now,
        cancellationReason: update.cancellationReason ?? null,
        payment: built.payment ?? order.payment,
        refundDue: isRefundDue(next, built.payment ?? order.payment),
        reservedUntil: update.reservedUntil === undefined ? order.reservedUntil : update.reservedUntil,
        trackingReference: update.trackingReference ?? order.trackingReference,
        timeline: [...order.timeline, { status: next, reason: update.cancellationReason ?? update.note ?? null, at: now, actorId: actor.id }],
      };
    }, signal);
  }

  return {
    /** A page of orders matching the filters; invalid filter values are a validation error by field. */
    async list(actor: Actor | null, query: AdminOrderListInput, signal?: AbortSignal): Promise<AdminOrderListResult> {
      requireAdmin(actor);
      const q = parse(adminOrderListInput, query);
      let after: OrderCursor | null = null;
      if (q.after !== undefined) {
        after = decodeOrderCursor(q.after);
        if (!after) throw new AppError("validation", "This page link is broken; start from the first page.", { fields: [{ path: "after", message: "This page link is broken; start from the first page." }] });
      }
      const filters: AdminOrderFilters = {
        status: q.status,
        createdFrom: q.from === undefined ? undefined : new Date(`${q.from}T00:00:00.000Z`),
        createdBefore: q.to === undefined ? undefined : new Date(new Date(`${q.to}T00:00:00.000Z`).getTime() + 86_400_000),
        emailPrefix: q.email,
      };
      const limit = q.limit ?? pageSize;
      const rows = await deps.reader.list(filters, after, limit + 1, signal);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodeOrderCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    async get(actor: Actor | null, id: string, signal?: AbortSignal): Promise<AdminOrderDetail> {
      requireAdmin(actor);
      const parsed = orderId.safeParse(id);
      const detail = parsed.success ? await deps.reader.detail(parsed.data, signal) : null;
      if (!detail) throw new AppError("not_found", "No such order");
      return detail;
    },

    /** paid → shipped, with the carrier's reference; the shopper is emailed (order.shipped). */
    async ship(actor: Actor | null, input: { orderId: string; expectedVersion: number; trackingReference: string }, signal?: AbortSignal): Promise<Order> {
      const admin = requireAdmin(actor);
      const i = parse(shipInput, input);
      return move(
        admin,
        i,
        "shipped",
        async (order, now, repos) => {
          const email = await repos.orderAdmin.customerEmail(order.userId, signal);
          if (!email) throw new AppError("internal", `order ${order.id} has no customer email`);
          return {
            update: { trackingReference: i.trackingReference, note: i.trackingReference },
            event: makeEvent("order.shipped", {
              id: deps.ids.uuid(),
              aggregateType: "order",
              aggregateId: order.id,
              occurredAt: now,
              payload: { orderId: order.id, userId: order.userId, email, trackingReference: i.trackingReference },
            }),
          };
        },
        signal,
      );
    },

    /** shipped → completed. */
    async complete(actor: Actor | null, input: { orderId: string; expectedVersion: number }, signal?: AbortSignal): Promise<Order> {
      const admin = requireAdmin(actor);
      const i = parse(transitionInput, input);
      return move(
        admin,
        i,
        "completed",
        async (order, now) => ({
          update: {},
          event: makeEvent("order.completed", {
            id: deps.ids.uuid(),
            aggregateType: "order",
            aggregateId: order.id,
            occurredAt: now,
            payload: { orderId: order.id, userId: order.userId },
          }),
        }),
        signal,
      );
    },

    /**
     * Cancels an order before it ships: reserved stock goes back through the
     * worker (order.cancelled with stockReserved); a paid order's charge is
     * refunded (recorded here, made by the worker).
     */
    async cancel(actor: Actor | null, input: { orderId: string; expectedVersion: number }, signal?: AbortSignal): Promise<Order> {
      const admin = requireAdmin(actor);
      const i = parse(transitionInput, input);
      return move(
        admin,
        i,
        "cancelled",
        async (order, now, repos) => ({
          update: { cancellationReason: "admin", reservedUntil: null },
          event: orderCancelledEvent(order, { id: deps.ids.uuid(), at: now, reason: "admin", stockReserved: HOLDS_STOCK.includes(order.status) }),
          payment: await openCancellationRefund(repos, order, deps.ids, now, admin.id, signal),
        }),
        signal,
      );
    },
  };
}

export type AdminOrders = ReturnType<typeof makeAdminOrders>;
