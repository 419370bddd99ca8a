import { describe, expect, it } from "vitest";
import { isAppError, type ErrorCode } from "@/lib/domain/errors";
import { adminTransitions, describeStatusChange, ORDER_STATUSES, type Order, type OrderStatus } from "@/lib/domain/order";
import { NO_PAYMENT } from "@/lib/domain/payment";
import { fixedClock, InMemoryStore, sequentialIds } from "@/tests/support/in-memory";
import { decodeOrderCursor as decodeCursor, encodeOrderCursor as encodeCursor } from "../orders/order-queries";
import { makeAdminOrders, STALE_ORDER_MESSAGE, type AdminOrderFilters, type AdminOrderReader, type AdminOrderRow, type OrderCursor } from "./orders";
import type { Actor } from "./access";

const ADMIN: Actor = { id: "a0000000-0000-4000-8000-000000000001", role: "admin" };
const CUSTOMER: Actor = { id: "c0000000-0000-4000-8000-000000000001", role: "customer" };
const SHOPPER = "20000000-0000-4000-8000-000000000001";
let orderSeq = 0;

function seedOrder(store: InMemoryStore, status: OrderStatus, init: Partial<Order> = {}): Order & { checkoutKey: string } {
  const id = `40000000-0000-4000-8000-${String(++orderSeq).padStart(12, "0")}`;
  const order = {
    id,
    userId: SHOPPER,
    checkoutKey: id,
    status,
    cancellationReason: null,
    subtotal: { amountMinor: 1000, currency: "USD" },
    shipping: { amountMinor: 495, currency: "USD" },
    total: { amountMinor: 1495, currency: "USD" },
    shipTo: null,
    lines: [
      {
        productId: "30000000-0000-4000-8000-000000000001",
        variantId: "31000000-0000-4000-8000-000000000001",
        sku: "S",
        name: "Mug",
        variantTitle: "",
        unitPrice: { amountMinor: 1000, currency: "USD" },
        quantity: 1,
      },
    ],
    version: 3,
    reservedUntil: status === "stock_reserved" ? new Date("2026-01-01T00:10:00Z") : null,
    paidAt: null,
    refundDue: false,
    payment: NO_PAYMENT,
    trackingReference: null,
    timeline: [],
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-01T00:00:00Z"),
    ...init,
  };
  store.state.orders.set(id, order);
  if (["paid", "shipped", "completed"].includes(order.status)) {
    // The charge that paid it, applied.
    store.state.payments.push({
      id: `${id.slice(0, -4)}cafe`,
      orderId: id,
      state: "charged",
      requestKey: "k",
      amountMinor: order.total.amountMinor,
      reason: null,
      reference: "ref",
      cardLast4: "4242",
      appliedAt: order.createdAt,
      createdAt: order.createdAt,
      voidDueAt: null,
    });
  }
  return order;
}

/** A reader over a plain array that applies the filters and the keyset like the SQL does. */
class ArrayReader implements AdminOrderReader {
  calls: { filters: AdminOrderFilters; after: OrderCursor | null; limit: number }[] = [];
  constructor(readonly rows: AdminOrderRow[]) {}
  async list(filters: AdminOrderFilters, after: OrderCursor | null, limit: number) {
    this.calls.push({ filters, after, limit });
    const key = (r: { createdAt: Date; id: string }) => [-r.createdAt.getTime(), r.id] as const;
    const before = (a: readonly [number, string], b: readonly [number, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    return this.rows
      .filter((r) => !after || before(key(after), key(r)))
      .sort((a, b) => (before(key(a), key(b)) ? -1 : 1))
      .slice(0, limit);
  }
  async detail() {
    return null;
  }
}

function setup(rows: AdminOrderRow[] = []) {
  const store = new InMemoryStore();
  const base = store.unitOfWork();
  const reader = new ArrayReader(rows);
  const orders = makeAdminOrders({
    uow: {
      run: (work, signal) =>
        base.run((repos) => work({ ...repos, orderAdmin: { customerEmail: async (id) => (id === SHOPPER ? "shopper@example.com" : null) } }), signal),
    },
    reader,
    ids: sequentialIds("50000000-0000-4000-8000-"),
    clock: fixedClock("2026-01-02T00:00:00.000Z"),
    pageSize: 2,
  });
  const events = (type?: string) => store.state.outbox.filter((e) => !type || e.type === type);
  return { store, orders, reader, events };
}

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | "ok" | "other"> {
  try {
    await p;
    return "ok";
  } catch (error) {
    return isAppError(error) ? error.code : "other";
  }
}

describe("admin order transitions", () => {
  it("ships a paid order: tracking reference, timeline with the actor, version bumped, order.shipped with the email", async () => {
    const { store, orders, events } = setup();
    const o = seedOrder(store, "paid");
    const shipped = await orders.ship(ADMIN, { orderId: o.id, expectedVersion: 3, trackingReference: "  1Z999AA1 " });
    expect([shipped.status, shipped.trackingReference, shipped.version]).toEqual(["shipped", "1Z999AA1", 4]);
    const saved = store.state.orders.get(o.id)!;
    expect([saved.status, saved.trackingReference, saved.version]).toEqual(["shipped", "1Z999AA1", 4]);
    expect(saved.timeline).toEqual([expect.objectContaining({ status: "shipped", reason: "1Z999AA1", actorId: ADMIN.id })]);
    expect(events().map((e) => [e.type, e.payload])).toEqual([
      ["order.shipped", { orderId: o.id, userId: SHOPPER, email: "shopper@example.com", trackingReference: "1Z999AA1" }],
    ]);
  });

  it("completes a shipped order and emits order.completed", async () => {
    const { store, orders, events } = setup();
    const o = seedOrder(store, "shipped");
    await orders.complete(ADMIN, { orderId: o.id, expectedVersion: 3 });
    expect(store.state.orders.get(o.id)!.status).toBe("completed");
    expect(events().map((e) => [e.type, e.payload])).toEqual([["order.completed", { orderId: o.id, userId: SHOPPER }]]);
  });

  it.each([
    ["pending", false, false],
    ["stock_reserved", true, false],
    ["paid", true, true],
  ] as const)("cancels a %s order: stockReserved=%s, refundDue=%s, reason admin, reservation cleared", async (status, stockReserved, refundDue) => {
    const { store, orders, events } = setup();
    const o = seedOrder(store, status);
    await orders.cancel(ADMIN, { orderId: o.id, expectedVersion: 3 });
    const saved = (await store.repos().orders.findById(o.id))!;
    expect([saved.status, saved.cancellationReason, saved.refundDue, saved.reservedUntil]).toEqual(["cancelled", "admin", refundDue, null]);
    // A paid order's whole charge is to be refunded (the worker makes the refund).
    expect(store.state.refunds.map((r) => [r.amountMinor, r.reason, r.actorId])).toEqual(refundDue ? [[1495, "cancellation", ADMIN.id]] : []);
    expect(saved.timeline.at(-1)).toEqual(expect.objectContaining({ status: "cancelled", reason: "admin", actorId: ADMIN.id }));
    expect(events().map((e) => [e.type, e.payload])).toEqual([["order.cancelled", { orderId: o.id, userId: SHOPPER, reason: "admin", stockReserved }]]);
  });

  it("refuses every move the state machine forbids, writing nothing", async () => {
    const allowed: Record<string, OrderStatus[]> = { ship: ["paid"], complete: ["shipped"], cancel: ["pending", "stock_reserved", "paid"] };
    for (const status of ORDER_STATUSES) {
      for (const move of ["ship", "complete", "cancel"] as const) {
        const { store, orders, events } = setup();
        const o = seedOrder(store, status);
        const input = { orderId: o.id, expectedVersion: 3, trackingReference: "T1" };
        const code = await codeOf(orders[move](ADMIN, input));
        expect([status, move, code]).toEqual([status, move, allowed[move]!.includes(status) ? "ok" : "invalid_transition"]);
        if (code !== "ok") {
          expect(store.state.orders.get(o.id)).toEqual(o);
          expect(events()).toEqual([]);
        }
      }
    }
  });

  it("refuses a stale form with the conflict message and changes nothing", async () => {
    const { store, orders, events } = setup();
    const o = seedOrder(store, "paid");
    const error = await orders.cancel(ADMIN, { orderId: o.id, expectedVersion: 2 }).catch((e: unknown) => e);
    expect(isAppError(error, "conflict") && error.message).toBe(STALE_ORDER_MESSAGE);
    expect(store.state.orders.get(o.id)).toEqual(o);
    expect(events()).toEqual([]);
  });

  it("lets only the first of two admins with the same version win", async () => {
    const { store, orders, events } = setup();
    const o = seedOrder(store, "paid");
    const results = await Promise.allSettled([
      orders.ship(ADMIN, { orderId: o.id, expectedVersion: 3, trackingReference: "T1" }),
      orders.cancel(ADMIN, { orderId: o.id, expectedVersion: 3 }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
    expect(isAppError((results[1] as PromiseRejectedResult).reason, "conflict")).toBe(true);
    expect(store.state.orders.get(o.id)!.timeline).toHaveLength(1);
    expect(events().map((e) => e.type)).toEqual(["order.shipped"]);
  });

  it("validates input by field after the role check", async () => {
    const { store, orders } = setup();
    const o = seedOrder(store, "paid");
    const error = await orders.ship(ADMIN, { orderId: o.id, expectedVersion: 3, trackingReference: "   " }).catch((e: unknown) => e);
    expect(isAppError(error, "validation") && error.fields).toEqual([{ path: "trackingReference", message: "Enter the carrier's tracking reference" }]);
    expect(await codeOf(orders.ship(ADMIN, { orderId: "nope", expectedVersion: 3, trackingReference: "T" }))).toBe("validation");
    expect(await codeOf(orders.complete(ADMIN, { orderId: o.id, expectedVersion: Number.NaN }))).toBe("validation");
    expect(await codeOf(orders.complete(ADMIN, { orderId: o.id, expectedVersion: 1.5 }))).toBe("validation");
    expect(await codeOf(orders.complete(ADMIN, { orderId: o.id, expectedVersion: -1 }))).toBe("validation");
    expect(await codeOf(orders.cancel(ADMIN, { orderId: "40000000-0000-4000-8000-999999999999", expectedVersion: 0 }))).toBe("not_found");
  });

  it("refuses anonymous visitors and customers before looking at the input or the store", async () => {
    const { store, orders, events, reader } = setup();
    const o = seedOrder(store, "paid");
    for (const [actor, code] of [
      [null, "unauthenticated"],
      [CUSTOMER, "forbidden"],
    ] as const) {
      expect(await codeOf(orders.ship(actor, { orderId: o.id, expectedVersion: 3, trackingReference: "T" }))).toBe(code);
      expect(await codeOf(orders.complete(actor, { orderId: "junk", expectedVersion: -1 }))).toBe(code);
      expect(await codeOf(orders.cancel(actor, { orderId: o.id, expectedVersion: 3 }))).toBe(code);
      expect(await codeOf(orders.list(actor, { status: "junk" }))).toBe(code);
      expect(await codeOf(orders.get(actor, o.id))).toBe(code);
    }
    expect(store.state.orders.get(o.id)).toEqual(o);
    expect(events()).toEqual([]);
    expect(reader.calls).toEqual([]);
  });
});

describe("admin order list", () => {
  const row = (n: number, at: string): AdminOrderRow => ({
    id: `40000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    status: "paid",
    customerEmail: "x@example.com",
    total: { amountMinor: 100, currency: "USD" },
    refundDue: false,
    createdAt: new Date(at),
    version: 0,
  });

  it("turns the query into filters: whole UTC days, both inclusive; email lower-cased; blanks ignored", async () => {
    const { orders, reader } = setup();
    await orders.list(ADMIN, { status: "paid", from: "2026-03-01", to: "2026-03-02", email: " Ada@Example.COM " });
    await orders.list(ADMIN, { status: "", from: "", to: "", email: "" });
    expect(reader.calls.map((c) => c.filters)).toEqual([
      { status: "paid", createdFrom: new Date("2026-03-01T00:00:00Z"), createdBefore: new Date("2026-03-03T00:00:00Z"), emailPrefix: "ada@example.com" },
      { status: undefined, createdFrom: undefined, createdBefore: undefined, emailPrefix: undefined },
    ]);
  });

  it("answers bad filters by field", async () => {
    const { orders } = setup();
    const fields = async (q: Record<string, string>) => {
      const e = await orders.list(ADMIN, q).catch((x: unknown) => x);
      return isAppError(e, "validation") ? e.fields.map((f) => f.path) : e;
    };
    expect(await fields({ status: "lost" })).toEqual(["status"]);
    expect(await fields({ from: "2026-02-30" })).toEqual(["from"]);
    expect(await fields({ to: "yesterday" })).toEqual(["to"]);
    expect(await fields({ from: "2026-03-02", to: "2026-03-01" })).toEqual(["to"]);
    expect(await fields({ email: "a b" })).toEqual(["email"]);
    expect(await fields({ after: "garbage" })).toEqual(["after"]);
  });

  it("pages with a cursor: next is set only when more rows follow, and pages neither repeat nor skip", async () => {
    const rows = [row(1, "2026-01-03T00:00:00Z"), row(2, "2026-01-02T00:00:00Z"), row(3, "2026-01-02T00:00:00Z"), row(4, "2026-01-01T00:00:00Z"), row(5, "2026-01-01T00:00:00Z")];
    const { orders } = setup(rows);
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await orders.list(ADMIN, after ? { after } : {});
      seen.push(...page.items.map((r) => r.id));
      after = page.next ?? undefined;
      pages++;
    } while (after);
    expect(pages).toBe(3);
    expect(seen).toEqual(rows.map((r) => r.id));
  });

  it("round-trips a cursor and rejects tampered ones", () => {
    const c = { createdAt: new Date("2026-01-02T03:04:05.678Z"), id: "40000000-0000-4000-8000-000000000001" };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(Buffer.from("not-a-date|40000000-0000-4000-8000-000000000001").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("2026-01-01T00:00:00Z|nope").toString("base64url"))).toBeNull();
  });
});

describe("what the order pages show", () => {
  it("offers an admin only the moves the state machine allows", () => {
    expect(Object.fromEntries(ORDER_STATUSES.map((s) => [s, adminTransitions(s)]))).toEqual({
      pending: ["cancelled"],
      stock_reserved: ["cancelled"],
      paid: ["shipped", "cancelled"],
      shipped: ["completed"],
      completed: [],
      cancelled: [],
    });
  });

  it("reads timeline entries as sentences", () => {
    expect(describeStatusChange({ status: "cancelled", reason: "admin" })).toBe("Cancelled by the shop");
    expect(describeStatusChange({ status: "cancelled", reason: "customer_request" })).toBe("Cancelled by you");
    expect(describeStatusChange({ status: "cancelled", reason: "out_of_stock" })).toBe("Cancelled — Out of stock");
    expect(describeStatusChange({ status: "shipped", reason: "1Z999" })).toBe("Shipped — tracking 1Z999");
    expect(describeStatusChange({ status: "paid", reason: "ref-123" })).toBe("Paid");
  });
});
