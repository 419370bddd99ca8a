import { describe, expect, it } from "vitest";
import { isAppError, type AppError } from "../../domain/errors";
import type { DomainEvent } from "../../domain/events";
import type { CatalogCache } from "../catalog/catalog-cache";
import type { UnitOfWork } from "../shared";
import type { Actor } from "./access";
import { makeAdminStock, STOCK_PAGE_SIZE, type AdjustmentRow, type LedgerEntry, type StockAdjustRepos, type StockProduct, type StockQueries } from "./stock";

const ADMIN: Actor = { id: "a0000000-0000-4000-8000-000000000001", role: "admin" };
const CUSTOMER: Actor = { id: "c0000000-0000-4000-8000-000000000001", role: "customer" };
const P1 = "00000000-0000-4000-8000-000000000001";
const P2 = "00000000-0000-4000-8000-000000000002";
// Variants, the unit of stock (ADR 016): V1 is P1's, V2 is P2's. Ids apart
// from their products', so a product id where a variant's is meant shows.
const V1 = "00000000-0000-4000-8000-0000000000a1";
const V2 = "00000000-0000-4000-8000-0000000000a2";
const MISSING = "00000000-0000-4000-8000-0000000000ff";

interface State {
  /** By variant id: what the stock pages show of each variant. */
  variants: Map<string, StockProduct>;
  rows: (AdjustmentRow & { stockAfter: number })[];
  outbox: DomainEvent[];
}

/** In-memory ports: one transaction at a time; a throwing transaction leaves the state as it was. */
function fakeStock(variants: (Partial<StockProduct> & { id: string; productId: string })[] = [{ id: V1, productId: P1, stock: 3 }]) {
  let state: State = {
    variants: new Map(
      variants.map((v, i) => {
        const variant: StockProduct = { sku: `SKU-${i}`, slug: `p-${i}`, name: `Product ${i}`, variantTitle: "", stock: 0, lowStockThreshold: 5, archived: false, ...v };
        return [variant.id, variant];
      }),
    ),
    rows: [],
    outbox: [],
  };
  const log: string[] = [];
  let queue: Promise<unknown> = Promise.resolve();
  const repos: StockAdjustRepos = {
    stockLedger: {
      async lockVariant(id) {
        const v = state.variants.get(id);
        return v ? { id: v.id, productId: v.productId, stock: v.stock } : null;
      },
      async applyAdjustment(row) {
        const p = state.variants.get(row.variantId);
        if (!p || p.stock + row.delta < 0) return null;
        p.stock += row.delta;
        state.rows.push({ ...row, stockAfter: p.stock });
        return p.stock;
      },
    },
    outbox: {
      async append(event) {
        state.outbox.push(event);
      },
    },
  };
  const uow: UnitOfWork<StockAdjustRepos> = {
    run(work) {
      const next = queue.then(async () => {
        const before = structuredClone(state);
        try {
          const result = await work(repos);
          log.push("commit");
          return result;
        } catch (error) {
          state = before;
          log.push("rollback");
          throw error;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
  const ledgerEntries: LedgerEntry[] = Array.from({ length: 45 }, (_, i) => ({
    id: String(45 - i),
    at: new Date(0),
    reason: "restock",
    delta: 1,
    stockAfter: 45 - i,
    orderId: null,
    actorEmail: "admin@example.com",
    note: null,
  }));
  const calls: string[] = [];
  const queries: StockQueries = {
    async findVariant(id) {
      calls.push("findVariant");
      const p = state.variants.get(id);
      return p ? { ...p } : null;
    },
    async ledger(_id, window) {
      calls.push("ledger");
      return { items: ledgerEntries.slice(window.offset, window.offset + window.limit), total: ledgerEntries.length };
    },
    async lowStock(window) {
      calls.push("lowStock");
      const low = [...state.variants.values()].filter((p) => !p.archived && p.stock <= p.lowStockThreshold).sort((a, b) => a.stock - b.stock);
      return { items: low.slice(window.offset, window.offset + window.limit), total: low.length };
    },
    async search(text, window) {
      calls.push(`search:${text}`);
      const found = [...state.variants.values()].filter((p) => p.name.toLowerCase().includes(text.toLowerCase()));
      return { items: found.slice(window.offset, window.offset + window.limit), total: found.length };
    },
    async setThreshold(id, threshold) {
      calls.push("setThreshold");
      const p = state.variants.get(id);
      if (!p) return false;
      p.lowStockThreshold = threshold;
      return true;
    },
  };
  const catalogCache: CatalogCache = {
    getOrLoad: (_key, load) => load(),
    invalidate: () => log.push("invalidate"),
  };
  let n = 0;
  const stock = makeAdminStock({
    uow,
    queries,
    ids: { uuid: () => `e0000000-0000-4000-8000-${String(++n).padStart(12, "0")}` },
    clock: { now: () => new Date("2026-01-01T00:00:00.000Z") },
    catalogCache,
  });
  return { stock, state: () => state, log, calls };
}

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("admin stock: access", () => {
  it("refuses anonymous visitors and customers before looking at the input or the data", async () => {
    const { stock, state, log, calls } = fakeStock();
    const junk = { variantId: "junk", delta: Number.NaN, reason: "because" } as never;
    for (const [actor, code] of [
      [null, "unauthenticated"],
      [CUSTOMER, "forbidden"],
    ] as const) {
      expect((await failure(stock.adjust(actor, junk))).code).toBe(code);
      expect((await failure(stock.adjust(actor, { variantId: V1, delta: 5, reason: "restock" }))).code).toBe(code);
      expect((await failure(stock.ledger(actor, "junk", -1))).code).toBe(code);
      expect((await failure(stock.lowStock(actor, 0))).code).toBe(code);
      expect((await failure(stock.search(actor, "", 0))).code).toBe(code);
      expect((await failure(stock.setThreshold(actor, V1, 1))).code).toBe(code);
    }
    expect(log).toEqual([]);
    expect(calls).toEqual([]);
    expect(state().variants.get(V1)).toMatchObject({ stock: 3, lowStockThreshold: 5 });
  });
});

describe("admin stock: adjust", () => {
  it("restocks with the admin and note in the ledger, emits inventory.updated, then empties the catalog cache", async () => {
    const { stock, state, log } = fakeStock();
    expect(await stock.adjust(ADMIN, { variantId: V1, delta: 12, reason: "restock", note: "  Delivery 42  " })).toEqual({ stock: 15 });
    expect(state().rows).toEqual([{ variantId: V1, delta: 12, reason: "restock", actorId: ADMIN.id, note: "Delivery 42", stockAfter: 15 }]);
    expect(state().outbox).toHaveLength(1);
    // The aggregate is the variant's product; the change names both.
    expect(state().outbox[0]).toMatchObject({
      type: "inventory.updated",
      version: 2,
      aggregateType: "product",
      aggregateId: P1,
      payload: { reason: "adjustment", orderId: null, changes: [{ productId: P1, variantId: V1, delta: 12, stock: 15 }] },
    });
    // The cache is emptied after the commit, never before.
    expect(log).toEqual(["commit", "invalidate"]);
  });

  it("books damage and corrections either way, and an empty note as none", async () => {
    const { stock, state } = fakeStock([{ id: V1, productId: P1, stock: 10 }]);
    await stock.adjust(ADMIN, { variantId: V1, delta: -4, reason: "damage", note: "" });
    await stock.adjust(ADMIN, { variantId: V1, delta: -1, reason: "correction" });
    await stock.adjust(ADMIN, { variantId: V1, delta: 2, reason: "correction", note: null });
    expect(state().rows.map((r) => [r.reason, r.delta, r.stockAfter, r.note])).toEqual([
      ["damage", -4, 6, null],
      ["correction", -1, 5, null],
      ["correction", 2, 7, null],
    ]);
    expect(state().outbox).toHaveLength(3);
  });

  it.each([
    [{ delta: -1, reason: "restock" }, "delta", /positive/],
    [{ delta: 1, reason: "damage" }, "delta", /negative/],
    [{ delta: 0, reason: "correction" }, "delta", /zero/],
    [{ delta: 1.5, reason: "correction" }, "delta", /whole number/],
    // What a form's text that is not a number reads as (app/_lib/form-numbers.ts).
    [{ delta: Number.NaN, reason: "restock" }, "delta", /whole number/],
    [{ delta: 100_001, reason: "restock" }, "delta", /between/],
    [{ delta: -100_001, reason: "correction" }, "delta", /between/],
    [{ delta: 1, reason: "sale" }, "reason", /reason/],
    [{ delta: 1, reason: "restock", note: "x".repeat(201) }, "note", /200/],
    [{ delta: 1, reason: "restock", variantId: "nope" }, "variantId", /No such product/],
  ])("refuses %j with a message on %s, writing nothing", async (input, path, message) => {
    const { stock, state, log } = fakeStock();
    const error = await failure(stock.adjust(ADMIN, { variantId: V1, ...input } as never));
    expect(error.code).toBe("validation");
    expect(error.fields.find((f) => f.path === path)?.message).toMatch(message);
    expect(state().rows).toEqual([]);
    expect(state().outbox).toEqual([]);
    expect(log).toEqual([]);
  });

  it("refuses to go below zero with a field error saying how many are in stock, and rolls back", async () => {
    const { stock, state, log } = fakeStock();
    const error = await failure(stock.adjust(ADMIN, { variantId: V1, delta: -4, reason: "damage" }));
    expect(error.code).toBe("validation");
    expect(error.fields).toEqual([{ path: "delta", message: "Only 3 are in stock: you can remove at most 3" }]);
    expect(state().variants.get(V1)!.stock).toBe(3);
    expect(state().rows).toEqual([]);
    expect(state().outbox).toEqual([]);
    expect(log).toEqual(["rollback"]);
    // Exactly to zero is allowed.
    expect(await stock.adjust(ADMIN, { variantId: V1, delta: -3, reason: "correction" })).toEqual({ stock: 0 });
    expect((await failure(stock.adjust(ADMIN, { variantId: V1, delta: -1, reason: "damage" }))).fields[0]!.message).toBe(
      "None are in stock, so none can be removed",
    );
  });

  it("answers not_found for a variant that does not exist, by its field", async () => {
    const { stock, state } = fakeStock();
    const error = await failure(stock.adjust(ADMIN, { variantId: MISSING, delta: 1, reason: "restock" }));
    expect(error.code).toBe("not_found");
    expect(error.fields.map((f) => f.path)).toEqual(["variantId"]);
    expect(state().outbox).toEqual([]);
  });

  it("answers not_found for a product's id where its variant's is meant", async () => {
    const { stock, state } = fakeStock();
    expect((await failure(stock.adjust(ADMIN, { variantId: P1, delta: 1, reason: "restock" }))).code).toBe("not_found");
    expect(state().variants.get(V1)!.stock).toBe(3);
    expect(state().rows).toEqual([]);
  });

  it("adjusts one variant of a product, leaving its other variants' stock alone", async () => {
    const V1B = "00000000-0000-4000-8000-0000000000b1";
    const { stock, state } = fakeStock([
      { id: V1, productId: P1, variantTitle: "Size: S", stock: 3 },
      { id: V1B, productId: P1, variantTitle: "Size: L", stock: 7 },
    ]);
    expect(await stock.adjust(ADMIN, { variantId: V1B, delta: -2, reason: "damage" })).toEqual({ stock: 5 });
    expect([state().variants.get(V1)!.stock, state().variants.get(V1B)!.stock]).toEqual([3, 5]);
    expect(state().rows.map((r) => [r.variantId, r.delta, r.stockAfter])).toEqual([[V1B, -2, 5]]);
    expect(state().outbox[0]).toMatchObject({ aggregateId: P1, payload: { changes: [{ productId: P1, variantId: V1B, delta: -2, stock: 5 }] } });
  });

  it("does not start when the request was already abandoned", async () => {
    const { stock, log } = fakeStock();
    const controller = new AbortController();
    controller.abort();
    expect((await failure(stock.adjust(ADMIN, { variantId: V1, delta: 1, reason: "restock" }, controller.signal))).code).toBe("unavailable");
    expect(log).toEqual([]);
  });
});

describe("admin stock: queries and threshold", () => {
  it("pages the ledger newest first with the product, and refuses a bad page or id", async () => {
    const { stock } = fakeStock();
    const first = await stock.ledger(ADMIN, V1);
    expect(first.product).toMatchObject({ id: V1, productId: P1, stock: 3 });
    expect(first.entries).toMatchObject({ total: 45, page: 1, pageCount: 3, pageSize: STOCK_PAGE_SIZE });
    expect(first.entries.items[0]!.id).toBe("45");
    const last = await stock.ledger(ADMIN, V1, 3);
    expect(last.entries.items.map((e) => e.id)).toEqual(["5", "4", "3", "2", "1"]);
    expect((await failure(stock.ledger(ADMIN, V1, 0))).code).toBe("validation");
    expect((await failure(stock.ledger(ADMIN, "not-a-uuid"))).code).toBe("validation");
    expect((await failure(stock.ledger(ADMIN, MISSING))).code).toBe("not_found");
  });

  it("lists low stock lowest first and moves a product onto the list when its threshold rises above its stock", async () => {
    const { stock, log } = fakeStock([
      { id: V1, productId: P1, stock: 8, lowStockThreshold: 5 },
      { id: V2, productId: P2, stock: 2, lowStockThreshold: 5 },
    ]);
    expect((await stock.lowStock(ADMIN)).items.map((p) => p.id)).toEqual([V2]);
    await stock.setThreshold(ADMIN, V1, 9);
    expect(log).toEqual(["invalidate"]);
    const low = await stock.lowStock(ADMIN, 1);
    expect(low.items.map((p) => [p.id, p.stock, p.lowStockThreshold])).toEqual([
      [V2, 2, 5],
      [V1, 8, 9],
    ]);
    expect(low.total).toBe(2);
  });

  it.each([[-1], ["1.5"], ["many"], [100_001], [""]])("refuses the threshold %j with a field error", async (value) => {
    const { stock, state, calls } = fakeStock();
    const error = await failure(stock.setThreshold(ADMIN, V1, value as never));
    expect(error.code).toBe("validation");
    expect(error.fields[0]!.path).toBe("threshold");
    expect(calls).toEqual([]);
    expect(state().variants.get(V1)!.lowStockThreshold).toBe(5);
  });

  it("answers not_found when setting the threshold of a missing variant", async () => {
    const { stock, log } = fakeStock();
    expect((await failure(stock.setThreshold(ADMIN, MISSING, 3))).code).toBe("not_found");
    expect(log).toEqual([]);
  });

  it("searches by trimmed text and refuses an empty search", async () => {
    const { stock, calls } = fakeStock([
      { id: V1, productId: P1, name: "Oak mug" },
      { id: V2, productId: P2, name: "Pine bowl" },
    ]);
    expect((await stock.search(ADMIN, "  MUG ")).items.map((p) => p.id)).toEqual([V1]);
    expect(calls).toEqual(["search:MUG"]);
    expect((await failure(stock.search(ADMIN, "   "))).fields[0]).toEqual({ path: "q", message: "Enter part of a name or SKU" });
  });

  it("sets one variant's threshold, and lists each low variant of a product on its own", async () => {
    const V1B = "00000000-0000-4000-8000-0000000000b1";
    const { stock, state } = fakeStock([
      { id: V1, productId: P1, variantTitle: "Size: S", stock: 4, lowStockThreshold: 5 },
      { id: V1B, productId: P1, variantTitle: "Size: L", stock: 6, lowStockThreshold: 5 },
    ]);
    expect((await stock.lowStock(ADMIN)).items.map((v) => [v.productId, v.id, v.variantTitle])).toEqual([[P1, V1, "Size: S"]]);
    await stock.setThreshold(ADMIN, V1B, 6);
    expect([state().variants.get(V1)!.lowStockThreshold, state().variants.get(V1B)!.lowStockThreshold]).toEqual([5, 6]);
    expect((await stock.lowStock(ADMIN)).items.map((v) => v.id)).toEqual([V1, V1B]);
  });
});
