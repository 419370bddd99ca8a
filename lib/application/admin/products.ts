import { z } from "zod";
import { SLUG } from "../../domain/catalog";
import { AppError, type FieldIssue } from "../../domain/errors";
import { MAX_AMOUNT_MINOR } from "../../domain/money";
import type { CatalogCache } from "../catalog/catalog-cache";
import { pageCount, pageWindow } from "../catalog/paging";
import { throwIfAborted, type IdGenerator, type LogFields, type UnitOfWork } from "../shared";
import { requireAdmin, type Actor } from "./access";

// ---------------------------------------------------------------------------
// What the back office sees
// ---------------------------------------------------------------------------

export const PRODUCT_STATUSES = ["active", "archived", "all"] as const;
export type ProductStatusFilter = (typeof PRODUCT_STATUSES)[number];
export const STOCK_FILTERS = ["in", "low", "out"] as const;
export type StockFilter = (typeof STOCK_FILTERS)[number];

export const ADMIN_PRODUCT_PAGE_SIZE = 20;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type ImageContentType = (typeof IMAGE_TYPES)[number];
export const STALE_EDIT_MESSAGE = "This product was changed by someone else — reload the page to see the changes, then edit again.";

export interface AdminProductImage {
  id: string;
  storageKey: string;
  url: string;
  contentType: string;
  byteSize: number;
  width: number;
  height: number;
  alt: string;
  position: number;
}

export interface AdminProductSummary {
  id: string;
  sku: string;
  slug: string;
  name: string;
  priceMinor: number;
  currency: string;
  stock: number;
  lowStockThreshold: number;
  imageUrl: string | null;
  archivedAt: Date | null;
  updatedAt: Date;
  /** Bumped by every back-office edit; an edit names the version it is based on. */
  version: number;
}

export interface AdminProduct extends AdminProductSummary {
  description: string;
  categoryIds: string[];
  images: AdminProductImage[];
  /** True when some order contains it (it can then never be deleted, only archived; nothing is deleted anyway). */
  ordered: boolean;
  createdAt: Date;
}

export interface AdminCategoryOption {
  id: string;
  slug: string;
  name: string;
}

export interface AdminProductCriteria {
  text?: string;
  categoryId?: string;
  status: ProductStatusFilter;
  stock?: StockFilter;
}

/** The URL of an uploaded image, served by app/media/[...key]. */
export const mediaUrl = (key: string) => `/media/${key}`;

// ---------------------------------------------------------------------------
// Ports
// ---------------------------------------------------------------------------

/** Reads outside a transaction. */
export interface ProductAdminReader {
  list(criteria: AdminProductCriteria, window: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: AdminProductSummary[]; total: number }>;
  get(productId: string, signal?: AbortSignal): Promise<AdminProduct | null>;
  listCategories(signal?: AbortSignal): Promise<AdminCategoryOption[]>;
}

export interface ProductChanges {
  sku: string;
  slug: string;
  name: string;
  description: string;
  priceMinor: number;
  lowStockThreshold: number;
  categoryIds: string[];
}

export interface NewProductRecord extends ProductChanges {
  id: string;
}

export interface NewImageRecord {
  id: string;
  productId: string;
  storageKey: string;
  contentType: string;
  byteSize: number;
  width: number;
  height: number;
  alt: string;
}

export interface ProductAdminRepos {
  productAdmin: {
    /** Which of these ids name categories. */
    existingCategoryIds(ids: readonly string[], signal?: AbortSignal): Promise<string[]>;
    /** Which of sku / slug another product (not `exceptId`) already uses. */
    takenIdentifiers(sku: string, slug: string, exceptId: string | null, signal?: AbortSignal): Promise<{ sku: boolean; slug: boolean }>;
    /** Inserts with stock 0. A unique violation is an AppError("conflict") with fields sku / slug. */
    insert(product: NewProductRecord, signal?: AbortSignal): Promise<void>;
    /** Compare-and-set on version (bumped); false when the version moved on. Unique violations as insert. */
    update(productId: string, expectedVersion: number, changes: ProductChanges, signal?: AbortSignal): Promise<boolean>;
    exists(productId: string, signal?: AbortSignal): Promise<boolean>;
    /** Sets or clears archived_at and bumps the version; false when no such product. */
    setArchived(productId: string, archived: boolean, signal?: AbortSignal): Promise<boolean>;
    /** Writes the stock change with its ledger row (applyStockMovement). */
    openingStock(productId: string, quantity: number, actorId: string, signal?: AbortSignal): Promise<void>;
    /** Locks the product row; its images in position order, and its image_url. Null when no such product. */
    lockImages(productId: string, signal?: AbortSignal): Promise<{ imageUrl: string | null; images: AdminProductImage[] } | null>;
    addImage(image: NewImageRecord, position: number, signal?: AbortSignal): Promise<void>;
    removeImage(imageId: string, signal?: AbortSignal): Promise<void>;
    /** Rewrites positions 0..n-1 in this order. */
    setImageOrder(productId: string, imageIds: readonly string[], signal?: AbortSignal): Promise<void>;
    setImageUrl(productId: string, url: string | null, signal?: AbortSignal): Promise<void>;
  };
}

/** Where uploaded images' bytes live. Keys are opaque, never reused. */
export interface MediaStorage {
  put(key: string, bytes: Uint8Array, contentType: string, signal?: AbortSignal): Promise<void>;
  get(key: string, signal?: AbortSignal): Promise<{ bytes: Uint8Array; contentType: string } | null>;
  delete(key: string, signal?: AbortSignal): Promise<void>;
}

/** Reads and re-encodes an image: refuses what is not really JPEG, PNG or WebP. */
export interface ImageProcessor {
  /** Throws AppError("validation") with a field "file" when the bytes are not an acceptable image. */
  normalize(bytes: Uint8Array, signal?: AbortSignal): Promise<{ bytes: Uint8Array; contentType: ImageContentType; width: number; height: number }>;
}

export interface AdminProductsDeps {
  reader: ProductAdminReader;
  uow: UnitOfWork<ProductAdminRepos>;
  storage: MediaStorage;
  images: ImageProcessor;
  ids: IdGenerator;
  catalogCache: CatalogCache;
  /** Where failures that do not fail the use case go (an orphan image left on disk). */
  log: (message: string, fields?: LogFields) => void;
}

// ---------------------------------------------------------------------------
// Input rules
// ---------------------------------------------------------------------------

/** "Crème Brûlée Mug" → "creme-brulee-mug": accents folded, lowercase ASCII, dashes. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .replace(/æ/gi, "ae")
    .replace(/ø/gi, "o")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 160)
    .replace(/-+$/, "");
}

/** "12.50" → 1250, by string parsing only. Null when the text is not a price. */
export function parsePriceMinor(text: string): number | null {
  const m = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const minor = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** 1250 → "12.50" (the form's representation). */
export function formatPriceInput(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, "0")}`;
}

const uuid = z.string().uuid();

const productInputSchema = z.object({
  name: z.string().optional(),
  sku: z.string().optional(),
  slug: z.string().optional(),
  description: z.string().optional(),
  price: z.string().optional(),
  lowStockThreshold: z.union([z.string(), z.number()]).optional(),
  categoryIds: z.array(z.string()).optional(),
  initialStock: z.union([z.string(), z.number()]).optional(),
  version: z.union([z.string(), z.number()]).optional(),
});

export type ProductInput = z.input<typeof productInputSchema>;

function intField(value: string | number | undefined, path: string, label: string, fields: FieldIssue[], opts: { min: number; max: number; fallback?: number }): number {
  if (value === undefined || (typeof value === "string" && value.trim() === "")) {
    if (opts.fallback !== undefined) return opts.fallback;
    fields.push({ path, message: `Enter ${label}` });
    return 0;
  }
  const text = String(value).trim();
  if (!/^\d{1,10}$/.test(text) || Number(text) < opts.min || Number(text) > opts.max) {
    fields.push({ path, message: `Enter a whole number from ${opts.min} to ${opts.max}` });
    return 0;
  }
  return Number(text);
}

interface ValidProduct {
  changes: ProductChanges;
  initialStock: number;
  version: number;
}

function validateProduct(raw: unknown, mode: "create" | "update"): ValidProduct {
  const parsed = productInputSchema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation", "The product is invalid.", { fields: [{ path: "form", message: "The product is invalid." }] });
  const input = parsed.data;
  const fields: FieldIssue[] = [];

  const name = (input.name ?? "").normalize("NFC").replace(/\s+/g, " ").trim();
  if (name === "") fields.push({ path: "name", message: "Enter a name" });
  else if (name.length > 200) fields.push({ path: "name", message: "At most 200 characters" });

  const sku = (input.sku ?? "").trim().toUpperCase();
  if (sku === "") fields.push({ path: "sku", message: "Enter a SKU" });
  else if (!/^[A-Z0-9][A-Z0-9._-]{0,63}$/.test(sku)) fields.push({ path: "sku", message: "Use at most 64 letters, digits, dots, dashes or underscores" });

  let slug = (input.slug ?? "").trim();
  if (slug === "") slug = slugify(name);
  if (slug === "") {
    if (name !== "") fields.push({ path: "slug", message: "Enter a slug (the name has no letters or digits to make one from)" });
  } else if (slug.length > 160 || !SLUG.test(slug)) {
    fields.push({ path: "slug", message: "Use lowercase letters, digits and single dashes (e.g. oak-mug)" });
  }

  const description = (input.description ?? "").trim();
  if (description.length > 5000) fields.push({ path: "description", message: "At most 5000 characters" });

  let priceMinor = 0;
  const priceText = (input.price ?? "").trim();
  if (priceText === "") fields.push({ path: "price", message: "Enter a price" });
  else {
    const parsedPrice = parsePriceMinor(priceText);
    if (parsedPrice === null) fields.push({ path: "price", message: "Enter a price like 12.50" });
    else if (parsedPrice <= 0) fields.push({ path: "price", message: "The price must be more than 0" });
    else if (parsedPrice > MAX_AMOUNT_MINOR) fields.push({ path: "price", message: `At most ${formatPriceInput(MAX_AMOUNT_MINOR)}` });
    else priceMinor = parsedPrice;
  }

  const lowStockThreshold = intField(input.lowStockThreshold, "lowStockThreshold", "a threshold", fields, { min: 0, max: 100_000, fallback: 5 });
  const initialStock = mode === "create" ? intField(input.initialStock, "initialStock", "a stock", fields, { min: 0, max: 1_000_000, fallback: 0 }) : 0;
  const version = mode === "update" ? intField(input.version, "version", "the version", fields, { min: 0, max: 2_000_000_000 }) : 0;

  const categoryIds = [...new Set(input.categoryIds ?? [])];
  if (categoryIds.length === 0) fields.push({ path: "categoryIds", message: "Choose at least one category" });
  else if (categoryIds.some((id) => !uuid.safeParse(id).success)) fields.push({ path: "categoryIds", message: "Choose categories from the list" });

  if (fields.length > 0) throw new AppError("validation", "Please correct the highlighted fields.", { fields });
  return { changes: { sku, slug, name, description, priceMinor, lowStockThreshold, categoryIds }, initialStock, version };
}

function productId(raw: unknown): string {
  if (typeof raw !== "string" || !uuid.safeParse(raw).success) throw new AppError("not_found", "No such product");
  return raw;
}

const listInputSchema = z.object({
  q: z.string().max(100).optional(),
  category: z.string().uuid().optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  stock: z.enum(STOCK_FILTERS).optional(),
  page: z.number().int().min(1).max(10_000).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
});

export type AdminProductListInput = z.input<typeof listInputSchema>;

// ---------------------------------------------------------------------------
// Use cases
// ---------------------------------------------------------------------------

export function makeAdminProducts(deps: AdminProductsDeps) {
  const { log } = deps;

  async function checkWrite(repos: ProductAdminRepos, p: ProductChanges, exceptId: string | null, signal?: AbortSignal) {
    const fields: FieldIssue[] = [];
    const known = await repos.productAdmin.existingCategoryIds(p.categoryIds, signal);
    if (known.length !== p.categoryIds.length) fields.push({ path: "categoryIds", message: "Choose categories from the list" });
    const taken = await repos.productAdmin.takenIdentifiers(p.sku, p.slug, exceptId, signal);
    if (taken.sku) fields.push({ path: "sku", message: "Another product already uses this SKU" });
    if (taken.slug) fields.push({ path: "slug", message: "Another product already uses this slug" });
    if (fields.length > 0) throw new AppError("validation", "Please correct the highlighted fields.", { fields });
  }

  /** Keeps products.image_url equal to the first uploaded image (or null once none are left). */
  async function syncImageUrl(repos: ProductAdminRepos, id: string, before: string | null, images: readonly { storageKey: string }[], signal?: AbortSignal) {
    const first = images[0];
    const next = first ? mediaUrl(first.storageKey) : before && !before.startsWith("/media/") ? before : null;
    if (next !== before) await repos.productAdmin.setImageUrl(id, next, signal);
  }

  const withImages = async <T>(rawId: unknown, work: (repos: ProductAdminRepos, id: string, current: { imageUrl: string | null; images: AdminProductImage[] }) => Promise<T>, signal?: AbortSignal) => {
    const id = productId(rawId);
    const result = await deps.uow.run(async (repos) => {
      const current = await repos.productAdmin.lockImages(id, signal);
      if (!current) throw new AppError("not_found", "No such product");
      return work(repos, id, current);
    }, signal);
    deps.catalogCache.invalidate();
    return result;
  };

  return {
    async list(actor: Actor | null, input: AdminProductListInput = {}, signal?: AbortSignal) {
      requireAdmin(actor);
      const parsed = listInputSchema.safeParse(input);
      if (!parsed.success) {
        throw new AppError("validation", "Invalid filters", { fields: parsed.error.issues.map((i) => ({ path: i.path.join(".") || "form", message: i.message })) });
      }
      const { q, category, status = "active", stock, page = 1, pageSize = ADMIN_PRODUCT_PAGE_SIZE } = parsed.data;
      const text = q?.trim() || undefined;
      const criteria: AdminProductCriteria = { status, ...(text ? { text } : {}), ...(category ? { categoryId: category } : {}), ...(stock ? { stock } : {}) };
      const found = await deps.reader.list(criteria, pageWindow(page, pageSize), signal);
      return { ...found, page, pageSize, pageCount: pageCount(found.total, pageSize), criteria };
    },

    async get(actor: Actor | null, rawId: unknown, signal?: AbortSignal): Promise<AdminProduct> {
      requireAdmin(actor);
      const product = await deps.reader.get(productId(rawId), signal);
      if (!product) throw new AppError("not_found", "No such product");
      return product;
    },

    async categories(actor: Actor | null, signal?: AbortSignal): Promise<AdminCategoryOption[]> {
      requireAdmin(actor);
      return deps.reader.listCategories(signal);
    },

    /** Creates an active product; an initial stock enters the ledger as its 'opening' row. */
    async create(actor: Actor | null, input: ProductInput, signal?: AbortSignal): Promise<{ id: string; slug: string }> {
      const admin = requireAdmin(actor);
      const p = validateProduct(input, "create");
      const id = deps.ids.uuid();
      await deps.uow.run(async (repos) => {
        await checkWrite(repos, p.changes, null, signal);
        await repos.productAdmin.insert({ id, ...p.changes }, signal);
        if (p.initialStock > 0) await repos.productAdmin.openingStock(id, p.initialStock, admin.id, signal);
      }, signal);
      deps.catalogCache.invalidate();
      return { id, slug: p.changes.slug };
    },

    /** Optimistic: `version` is the one the form was rendered with; a stale edit changes nothing. Stock is not edited here. */
    async update(actor: Actor | null, rawId: unknown, input: ProductInput, signal?: AbortSignal): Promise<{ version: number }> {
      requireAdmin(actor);
      const id = productId(rawId);
      const p = validateProduct(input, "update");
      await deps.uow.run(async (repos) => {
        await checkWrite(repos, p.changes, id, signal);
        if (!(await repos.productAdmin.update(id, p.version, p.changes, signal))) {
          if (!(await repos.productAdmin.exists(id, signal))) throw new AppError("not_found", "No such product");
          throw new AppError("conflict", STALE_EDIT_MESSAGE, { fields: [{ path: "form", message: STALE_EDIT_MESSAGE }] });
        }
      }, signal);
      deps.catalogCache.invalidate();
      return { version: p.version + 1 };
    },

    /** Hides the product from the shop; orders keep showing it (their lines are snapshots). */
    async archive(actor: Actor | null, rawId: unknown, signal?: AbortSignal): Promise<void> {
      requireAdmin(actor);
      const id = productId(rawId);
      const found = await deps.uow.run((repos) => repos.productAdmin.setArchived(id, true, signal), signal);
      if (!found) throw new AppError("not_found", "No such product");
      deps.catalogCache.invalidate();
    },

    async restore(actor: Actor | null, rawId: unknown, signal?: AbortSignal): Promise<void> {
      requireAdmin(actor);
      const id = productId(rawId);
      const found = await deps.uow.run((repos) => repos.productAdmin.setArchived(id, false, signal), signal);
      if (!found) throw new AppError("not_found", "No such product");
      deps.catalogCache.invalidate();
    },

    /**
     * Checks and re-encodes the upload (metadata stripped, size capped), stores it
     * under a fresh random key, then records it as the product's last image.
     */
    async addImage(actor: Actor | null, rawId: unknown, file: { bytes: Uint8Array; alt?: string } | null, signal?: AbortSignal): Promise<AdminProductImage> {
      requireAdmin(actor);
      const id = productId(rawId);
      if (!file || !(file.bytes instanceof Uint8Array) || file.bytes.byteLength === 0) {
        throw new AppError("validation", "Choose an image file", { fields: [{ path: "file", message: "Choose an image file" }] });
      }
      if (file.bytes.byteLength > IMAGE_MAX_BYTES) {
        throw new AppError("validation", "The image is larger than 5 MB", { fields: [{ path: "file", message: "The image is larger than 5 MB" }] });
      }
      const alt = (typeof file.alt === "string" ? file.alt : "").trim();
      if (alt.length > 200) throw new AppError("validation", "At most 200 characters", { fields: [{ path: "alt", message: "At most 200 characters" }] });
      const image = await deps.images.normalize(file.bytes, signal);
      throwIfAborted(signal);
      const imageId = deps.ids.uuid();
      const ext = image.contentType === "image/jpeg" ? "jpg" : image.contentType === "image/png" ? "png" : "webp";
      const storageKey = `products/${deps.ids.uuid()}.${ext}`;
      await deps.storage.put(storageKey, image.bytes, image.contentType, signal);
      const record: NewImageRecord = { id: imageId, productId: id, storageKey, contentType: image.contentType, byteSize: image.bytes.byteLength, width: image.width, height: image.height, alt };
      try {
        return await withImages(id, async (repos, pid, current) => {
          await repos.productAdmin.addImage(record, current.images.length, signal);
          await syncImageUrl(repos, pid, current.imageUrl, [...current.images, record], signal);
          return { ...record, url: mediaUrl(storageKey), position: current.images.length };
        }, signal);
      } catch (error) {
        // Nothing points at the stored bytes: remove them (best effort).
        await deps.storage.delete(storageKey).catch((err: unknown) => log(`could not delete orphan image ${storageKey}`, { err }));
        throw error;
      }
    },

    /** Moves one image a place up or down; image_url follows the first. */
    async moveImage(actor: Actor | null, rawId: unknown, imageId: unknown, direction: unknown, signal?: AbortSignal): Promise<void> {
      requireAdmin(actor);
      if (direction !== "up" && direction !== "down") throw new AppError("validation", "Move up or down", { fields: [{ path: "direction", message: "Move up or down" }] });
      await withImages(rawId, async (repos, id, current) => {
        const order = current.images.map((i) => i.id);
        const at = order.indexOf(String(imageId));
        if (at < 0) throw new AppError("not_found", "No such image");
        const to = direction === "up" ? at - 1 : at + 1;
        if (to < 0 || to >= order.length) return;
        [order[at], order[to]] = [order[to]!, order[at]!];
        await repos.productAdmin.setImageOrder(id, order, signal);
        const byId = new Map(current.images.map((i) => [i.id, i]));
        await syncImageUrl(repos, id, current.imageUrl, order.map((i) => byId.get(i)!), signal);
      }, signal);
    },

    async removeImage(actor: Actor | null, rawId: unknown, imageId: unknown, signal?: AbortSignal): Promise<void> {
      requireAdmin(actor);
      const removed = await withImages(rawId, async (repos, id, current) => {
        const image = current.images.find((i) => i.id === imageId);
        if (!image) throw new AppError("not_found", "No such image");
        await repos.productAdmin.removeImage(image.id, signal);
        const rest = current.images.filter((i) => i.id !== image.id);
        await repos.productAdmin.setImageOrder(id, rest.map((i) => i.id), signal);
        await syncImageUrl(repos, id, current.imageUrl, rest, signal);
        return image;
      }, signal);
      // After commit: the bytes of a removed image are never served again (keys are not reused).
      await deps.storage.delete(removed.storageKey).catch((err: unknown) => log(`could not delete image ${removed.storageKey}`, { err }));
    },
  };
}

export type AdminProducts = ReturnType<typeof makeAdminProducts>;
