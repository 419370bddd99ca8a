import { z } from "zod";
import { AppError } from "../../domain/errors";
import { fieldIssues } from "../../domain/validation";
import { makeEvent } from "../../domain/events";
import type { CatalogCache } from "../catalog/catalog-cache";
import { pageCount, pageWindow } from "../catalog/paging";
import { throwIfAborted, type Clock, type IdGenerator, type OutboxWriter, type UnitOfWork } from "../shared";
import { requireAdmin, type Actor } from "./access";

/**
 * The back office's stock: adjustments with a reason, the stock ledger, the
 * low-stock list and its threshold, all per variant, the unit of stock (ADR 016).
 *
 * Our model: a variant's stock is the number of units still available to sell.
 * A reservation (the worker, when an order is placed) takes units, a release
 * (cancellation, expiry) gives them back, and a sale (payment) moves no stock,
 * because its units already left at reservation. So the ledger has rows for
 * opening balances, adjustments, reservations and releases, and none for sales.
 */

export const ADJUSTMENT_REASONS = ["restock", "correction", "damage"] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const LEDGER_REASONS = ["opening", "restock", "correction", "damage", "reservation", "release"] as const;
export type LedgerReason = (typeof LEDGER_REASONS)[number];

/** The largest single adjustment, either way: a typo of a few extra digits is refused, not booked. */
export const MAX_ADJUSTMENT = 100_000;
export const MAX_THRESHOLD = 100_000;
export const MAX_NOTE_LENGTH = 200;
export const STOCK_PAGE_SIZE = 20;
export const MAX_SEARCH_LENGTH = 100;

export const REASON_LABELS: Record<LedgerReason, string> = {
  opening: "Opening balance",
  restock: "Restock",
  correction: "Correction",
  damage: "Damage",
  reservation: "Reserved by order",
  release: "Released by order",
};

/** A variant as the stock pages show it: its product's name, its own SKU, option values, stock and threshold. */
export interface StockProduct {
  /** The variant's id. */
  id: string;
  productId: string;
  sku: string;
  slug: string;
  name: string;
  /** "Size: M / Wood: Oak"; "" for a product without options. */
  variantTitle: string;
  stock: number;
  lowStockThreshold: number;
  /** The variant or its product is archived. */
  archived: boolean;
}

export interface LedgerEntry {
  /** The row's id (a bigint, as text): the ledger's order. */
  id: string;
  at: Date;
  reason: LedgerReason;
  delta: number;
  stockAfter: number;
  /** The order behind a reservation or release. */
  orderId: string | null;
  /** The admin behind an adjustment (or an opening balance); null for the system. */
  actorEmail: string | null;
  note: string | null;
}

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  pageCount: number;
  pageSize: number;
}

export interface AdjustmentRow {
  variantId: string;
  delta: number;
  reason: AdjustmentReason;
  actorId: string;
  note: string | null;
}

/** Port: what an adjustment needs inside its transaction. */
export interface StockAdjustRepos {
  stockLedger: {
    /** Locks the variant row until the transaction ends; null when there is no such variant. */
    lockVariant(variantId: string, signal?: AbortSignal): Promise<{ id: string; productId: string; stock: number } | null>;
    /** Changes the stock and appends its ledger row; the stock after, or null when it would go below zero. */
    applyAdjustment(row: AdjustmentRow, signal?: AbortSignal): Promise<number | null>;
  };
  outbox: OutboxWriter;
}

/** Port: the stock queries and the threshold, outside any transaction. */
export interface StockQueries {
  findVariant(variantId: string, signal?: AbortSignal): Promise<StockProduct | null>;
  /** Newest first. */
  ledger(variantId: string, window: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: LedgerEntry[]; total: number }>;
  /** Live variants of active products with stock <= their threshold, lowest stock first. */
  lowStock(window: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: StockProduct[]; total: number }>;
  /** Variants (archived too) whose product name or SKU contains `text`, case-insensitive, by name. */
  search(text: string, window: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: StockProduct[]; total: number }>;
  /** False when there is no such variant. */
  setThreshold(variantId: string, threshold: number, signal?: AbortSignal): Promise<boolean>;
}

// ---------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------

const variantId = z.uuid({ message: "No such product" });

/** A whole number (a form reads its text into one at the edge; NaN when the text is not one). */
const wholeNumber = (what: string) => z.number({ message: `${what} must be a whole number` }).int(`${what} must be a whole number`);

/** Each field's rule, for the use case and for the forms and the API that read its input. */
export const adjustmentRules = {
  variantId,
  delta: wholeNumber("The change")
    .min(-MAX_ADJUSTMENT, `The change must be between -${MAX_ADJUSTMENT} and ${MAX_ADJUSTMENT}`)
    .max(MAX_ADJUSTMENT, `The change must be between -${MAX_ADJUSTMENT} and ${MAX_ADJUSTMENT}`)
    .refine((n) => n !== 0, "The change cannot be zero"),
  reason: z.enum(ADJUSTMENT_REASONS, { message: "Choose a reason: restock, correction or damage" }),
  note: z.string().trim().max(MAX_NOTE_LENGTH, `The note can be at most ${MAX_NOTE_LENGTH} characters`),
};

/** A restock adds units and damage removes them: the sign must fit the reason. */
export function deltaFitsReason(input: { delta: number; reason: AdjustmentReason }, ctx: z.RefinementCtx) {
  if (input.reason === "restock" && input.delta < 0) {
    ctx.addIssue({ code: "custom", path: ["delta"], message: "A restock adds units: enter a positive number" });
  }
  if (input.reason === "damage" && input.delta > 0) {
    ctx.addIssue({ code: "custom", path: ["delta"], message: "Damage removes units: enter a negative number" });
  }
}

export const adjustInputSchema = z
  .object({ ...adjustmentRules, note: adjustmentRules.note.nullish().transform((s) => (s ? s : null)) })
  .strict()
  .superRefine(deltaFitsReason);
export interface AdjustInput {
  variantId: string;
  /** Signed: units added or removed. */
  delta: number;
  reason: AdjustmentReason;
  note?: string | null;
}

export const thresholdSchema = wholeNumber("The threshold")
  .refine((n) => n >= 0, "The threshold cannot be negative")
  .refine((n) => n <= MAX_THRESHOLD, `The threshold can be at most ${MAX_THRESHOLD}`);

const pageSchema = z.number().int().min(1);

/** Its message is the fields' messages: the stock forms show it above the form. */
function parse<S extends z.ZodType>(schema: S, value: unknown, at?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields = fieldIssues(result.error, at ? { at } : {});
  throw new AppError("validation", fields.map((f) => f.message).join("; "), { fields });
}

function parsePage(page: unknown): number {
  return parse(pageSchema, page, "page");
}

function paged<T>(result: { items: T[]; total: number }, page: number): Paged<T> {
  return { ...result, page, pageCount: pageCount(result.total, STOCK_PAGE_SIZE), pageSize: STOCK_PAGE_SIZE };
}

// ---------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------

export interface StockDeps {
  uow: UnitOfWork<StockAdjustRepos>;
  queries: StockQueries;
  ids: IdGenerator;
  clock: Clock;
  catalogCache: CatalogCache;
}

export function makeAdminStock(deps: StockDeps) {
  /**
   * Adds or removes units of a variant with a reason. Its row is locked before the
   * stock is read, so concurrent adjustments (and reservations) queue up and
   * none is lost; the change, its ledger row and inventory.updated commit together.
   */
  async function adjust(actor: Actor | null, input: AdjustInput, signal?: AbortSignal): Promise<{ stock: number }> {
    const admin = requireAdmin(actor);
    const data = parse(adjustInputSchema, input);
    throwIfAborted(signal);
    const result = await deps.uow.run(async ({ stockLedger, outbox }) => {
      const product = await stockLedger.lockVariant(data.variantId, signal);
      if (!product) throw new AppError("not_found", "No such product", { fields: [{ path: "variantId", message: "No such product" }] });
      if (product.stock + data.delta < 0) {
        const message =
          product.stock === 0
            ? "None are in stock, so none can be removed"
            : `Only ${product.stock} ${product.stock === 1 ? "is" : "are"} in stock: you can remove at most ${product.stock}`;
        throw new AppError("validation", message, { fields: [{ path: "delta", message }] });
      }
      const stock = await stockLedger.applyAdjustment(
        { variantId: data.variantId, delta: data.delta, reason: data.reason, actorId: admin.id, note: data.note },
        signal,
      );
      // Unreachable while the row is locked and checked above; refuse rather than guess.
      if (stock === null) throw new AppError("internal", `adjusting variant ${data.variantId} failed after the stock check`);
      await outbox.append(
        makeEvent("inventory.updated", {
          id: deps.ids.uuid(),
          aggregateType: "product",
          aggregateId: product.productId,
          occurredAt: deps.clock.now(),
          payload: { reason: "adjustment", orderId: null, changes: [{ productId: product.productId, variantId: data.variantId, delta: data.delta, stock }] },
        }),
        signal,
      );
      return { stock };
    }, signal);
    deps.catalogCache.invalidate();
    return result;
  }

  /** A variant's stock, threshold and ledger history (newest first), page by page. */
  async function ledger(
    actor: Actor | null,
    variantIdInput: string,
    page: number = 1,
    signal?: AbortSignal,
  ): Promise<{ product: StockProduct; entries: Paged<LedgerEntry> }> {
    requireAdmin(actor);
    const id = parse(variantId, variantIdInput, "variantId");
    const p = parsePage(page);
    const window = pageWindow(p, STOCK_PAGE_SIZE);
    const product = await deps.queries.findVariant(id, signal);
    if (!product) throw new AppError("not_found", "No such product");
    const entries = await deps.queries.ledger(id, window, signal);
    return { product, entries: paged(entries, p) };
  }

  /** Live variants at or below their low-stock threshold, lowest stock first. */
  async function lowStock(actor: Actor | null, page: number = 1, signal?: AbortSignal): Promise<Paged<StockProduct>> {
    requireAdmin(actor);
    const p = parsePage(page);
    return paged(await deps.queries.lowStock(pageWindow(p, STOCK_PAGE_SIZE), signal), p);
  }

  /** Finds variants by part of their product's name or their SKU. */
  async function search(actor: Actor | null, text: string, page: number = 1, signal?: AbortSignal): Promise<Paged<StockProduct>> {
    requireAdmin(actor);
    const q = parse(
      z.string().trim().min(1, "Enter part of a name or SKU").max(MAX_SEARCH_LENGTH, `At most ${MAX_SEARCH_LENGTH} characters`),
      text,
      "q",
    );
    const p = parsePage(page);
    return paged(await deps.queries.search(q, pageWindow(p, STOCK_PAGE_SIZE), signal), p);
  }

  /** The stock at or below which the variant is listed as low. */
  async function setThreshold(actor: Actor | null, variantIdInput: string, threshold: number, signal?: AbortSignal): Promise<void> {
    requireAdmin(actor);
    const id = parse(variantId, variantIdInput, "variantId");
    const value = parse(thresholdSchema, threshold, "threshold");
    if (!(await deps.queries.setThreshold(id, value, signal))) throw new AppError("not_found", "No such product");
    deps.catalogCache.invalidate();
  }

  return { adjust, ledger, lowStock, search, setThreshold };
}

export type AdminStock = ReturnType<typeof makeAdminStock>;
