/**
 * The back office's products: what it sees, the ports its use cases own, and
 * their dependencies. Each use case has a file of its own beside this one.
 */
import type { CatalogCache } from "../../catalog/catalog-cache";
import type { IdGenerator, LogFields, UnitOfWork } from "../../shared";

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

/** A new product and its default variant (ADR 016), which takes its SKU and threshold. */
export interface NewProductRecord extends ProductChanges {
  id: string;
  variantId: string;
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
    /** Which of sku / slug another product (not `exceptId`) or another product's variant already uses. */
    takenIdentifiers(sku: string, slug: string, exceptId: string | null, signal?: AbortSignal): Promise<{ sku: boolean; slug: boolean }>;
    /** Inserts the product and its default variant with stock 0. A unique violation is an AppError("conflict") with fields sku / slug. */
    insert(product: NewProductRecord, signal?: AbortSignal): Promise<void>;
    /**
     * Compare-and-set on version (bumped); false when the version moved on.
     * Unique violations as insert. While the product has one variant, its SKU
     * and threshold are the variant's and are written to it too.
     */
    update(productId: string, expectedVersion: number, changes: ProductChanges, signal?: AbortSignal): Promise<boolean>;
    exists(productId: string, signal?: AbortSignal): Promise<boolean>;
    /** Sets or clears archived_at and bumps the version; false when no such product. */
    setArchived(productId: string, archived: boolean, signal?: AbortSignal): Promise<boolean>;
    /** Writes the variant's stock change with its ledger row (applyStockMovement). */
    openingStock(variantId: string, quantity: number, actorId: string, signal?: AbortSignal): Promise<void>;
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

