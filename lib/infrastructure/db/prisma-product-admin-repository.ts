import type {
  AdminCategoryOption,
  AdminProduct,
  AdminProductCriteria,
  AdminProductImage,
  AdminProductSummary,
  NewImageRecord,
  NewProductRecord,
  ProductAdminReader,
  ProductAdminRepos,
  ProductChanges,
} from "../../application/admin/products/model";
import { mediaUrl } from "../../application/admin/products/model";
import { AppError } from "../../domain/errors";
import { isUniqueViolation } from "./errors";
import { escapeLike } from "./like";
import { applyStockMovement } from "./prisma-inventory-repository";
import { Prisma, type Db } from "./prisma-client";

type Writes = ProductAdminRepos["productAdmin"];

const summarySelect = {
  id: true,
  sku: true,
  slug: true,
  name: true,
  priceMinor: true,
  currency: true,
  imageUrl: true,
  archivedAt: true,
  updatedAt: true,
  version: true,
  // Stock and threshold are the live variants' (ADR 016): the sum, and the first variant's threshold.
  variants: { where: { archivedAt: null }, select: { stock: true, lowStockThreshold: true }, orderBy: [{ position: "asc" }, { id: "asc" }] },
} satisfies Prisma.ProductSelect;

function withStock<T extends { variants: { stock: number; lowStockThreshold: number }[] }>(row: T): Omit<T, "variants"> & { stock: number; lowStockThreshold: number } {
  const { variants, ...rest } = row;
  return { ...rest, stock: variants.reduce((n, v) => n + v.stock, 0), lowStockThreshold: variants[0]?.lowStockThreshold ?? 0 };
}

const imageSelect = {
  id: true,
  storageKey: true,
  contentType: true,
  byteSize: true,
  width: true,
  height: true,
  alt: true,
  position: true,
} as const;

function toImage(row: Omit<AdminProductImage, "url">): AdminProductImage {
  return { ...row, url: mediaUrl(row.storageKey) };
}

/** Which unique constraint a violation hit, from the error's text (the adapter's error shape varies). */
function uniqueFields(error: unknown): ("sku" | "slug")[] | null {
  if (!isUniqueViolation(error)) return null;
  const e = error as { meta?: unknown; message?: unknown } | null;
  let text = String(e?.message ?? "");
  try {
    text += JSON.stringify(e?.meta ?? {});
  } catch {
    // meta is informative only
  }
  const fields: ("sku" | "slug")[] = [];
  if (/sku/i.test(text)) fields.push("sku");
  if (/slug/i.test(text)) fields.push("slug");
  return fields;
}

function rethrowUnique(error: unknown): never {
  const fields = uniqueFields(error);
  if (fields === null) throw error;
  const issues = (fields.length ? fields : (["sku", "slug"] as const)).map((f) => ({
    path: f,
    message: f === "sku" ? "Another product already uses this SKU" : "Another product already uses this slug",
  }));
  throw new AppError("validation", "Please correct the highlighted fields.", { cause: error, fields: issues });
}

/** The back office's products, categories and images as the back office edits them. */
export class PrismaProductAdminRepository implements ProductAdminReader, Writes {
  constructor(private readonly db: Db) {}

  // -------------------------------------------------------------------------
  // Reads
  // -------------------------------------------------------------------------

  async list(criteria: AdminProductCriteria, window: { offset: number; limit: number }): Promise<{ items: AdminProductSummary[]; total: number }> {
    const where: Prisma.ProductWhereInput = { AND: [] };
    const and = where.AND as Prisma.ProductWhereInput[];
    if (criteria.status === "active") and.push({ archivedAt: null });
    if (criteria.status === "archived") and.push({ archivedAt: { not: null } });
    if (criteria.text) {
      const text = escapeLike(criteria.text);
      and.push({ OR: [{ name: { contains: text, mode: "insensitive" } }, { sku: { contains: text, mode: "insensitive" } }] });
    }
    if (criteria.categoryId) and.push({ categories: { some: { categoryId: criteria.categoryId } } });
    if (criteria.stock) {
      // By live variant: "out" when none has stock, "low" when one is at or
      // below its threshold, "in" when one is above it. "low" and "in"
      // compare two columns (a field reference).
      const threshold = this.db.productVariant.fields.lowStockThreshold;
      and.push(
        criteria.stock === "out"
          ? { variants: { none: { archivedAt: null, stock: { gt: 0 } } } }
          : criteria.stock === "low"
            ? { variants: { some: { archivedAt: null, stock: { gt: 0, lte: threshold } } } }
            : { variants: { some: { archivedAt: null, stock: { gt: threshold } } } },
      );
    }
    const [items, total] = await Promise.all([
      this.db.product.findMany({ where, select: summarySelect, orderBy: [{ name: "asc" }, { id: "asc" }], skip: window.offset, take: window.limit }),
      this.db.product.count({ where }),
    ]);
    return { items: items.map(withStock), total };
  }

  async get(productId: string): Promise<AdminProduct | null> {
    const row = await this.db.product.findUnique({
      where: { id: productId },
      select: {
        ...summarySelect,
        description: true,
        createdAt: true,
        categories: { select: { categoryId: true } },
        images: { select: imageSelect, orderBy: [{ position: "asc" }, { createdAt: "asc" }] },
        orderItems: { select: { id: true }, take: 1 },
      },
    });
    if (!row) return null;
    const { categories, images, orderItems, ...rest } = withStock(row);
    return { ...rest, categoryIds: categories.map((c) => c.categoryId), images: images.map(toImage), ordered: orderItems.length > 0 };
  }

  async listCategories(): Promise<AdminCategoryOption[]> {
    return this.db.category.findMany({ select: { id: true, slug: true, name: true }, orderBy: [{ position: "asc" }, { name: "asc" }] });
  }

  // -------------------------------------------------------------------------
  // Writes (inside the unit of work's transaction)
  // -------------------------------------------------------------------------

  async existingCategoryIds(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.category.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  async takenIdentifiers(sku: string, slug: string, exceptId: string | null): Promise<{ sku: boolean; slug: boolean }> {
    const [rows, variant] = await Promise.all([
      this.db.product.findMany({
        where: { OR: [{ sku }, { slug }], ...(exceptId ? { NOT: { id: exceptId } } : {}) },
        select: { sku: true, slug: true },
      }),
      this.db.productVariant.findFirst({ where: { sku, ...(exceptId ? { NOT: { productId: exceptId } } : {}) }, select: { id: true } }),
    ]);
    return { sku: variant !== null || rows.some((r) => r.sku === sku), slug: rows.some((r) => r.slug === slug) };
  }

  async insert(p: NewProductRecord): Promise<void> {
    try {
      await this.db.product.create({
        data: {
          id: p.id,
          sku: p.sku,
          slug: p.slug,
          name: p.name,
          description: p.description,
          priceMinor: p.priceMinor,
          categories: { create: p.categoryIds.map((categoryId) => ({ categoryId })) },
          variants: { create: { id: p.variantId, sku: p.sku, lowStockThreshold: p.lowStockThreshold, stock: 0 } },
        },
        select: { id: true },
      });
    } catch (error) {
      rethrowUnique(error);
    }
  }

  async update(productId: string, expectedVersion: number, c: ProductChanges): Promise<boolean> {
    let count: number;
    try {
      ({ count } = await this.db.product.updateMany({
        where: { id: productId, version: expectedVersion },
        data: {
          sku: c.sku,
          slug: c.slug,
          name: c.name,
          description: c.description,
          priceMinor: c.priceMinor,
          version: { increment: 1 },
        },
      }));
      // The product's one variant takes the form's SKU and threshold; a
      // product with options edits them per variant.
      if (count > 0) {
        await this.db.$executeRaw`
          UPDATE product_variants SET sku = ${c.sku}, low_stock_threshold = ${c.lowStockThreshold}, version = version + 1, updated_at = now()
           WHERE product_id = ${productId}::uuid
             AND (sku <> ${c.sku} OR low_stock_threshold <> ${c.lowStockThreshold})
             AND (SELECT count(*) FROM product_variants WHERE product_id = ${productId}::uuid) = 1`;
      }
    } catch (error) {
      rethrowUnique(error);
    }
    if (count === 0) return false;
    const current = await this.db.productCategory.findMany({ where: { productId }, select: { categoryId: true } });
    const have = new Set(current.map((r) => r.categoryId));
    const want = new Set(c.categoryIds);
    const drop = [...have].filter((id) => !want.has(id));
    const add = [...want].filter((id) => !have.has(id));
    if (drop.length) await this.db.productCategory.deleteMany({ where: { productId, categoryId: { in: drop } } });
    if (add.length) await this.db.productCategory.createMany({ data: add.map((categoryId) => ({ productId, categoryId })) });
    return true;
  }

  async exists(productId: string): Promise<boolean> {
    return (await this.db.product.count({ where: { id: productId } })) > 0;
  }

  async setArchived(productId: string, archived: boolean): Promise<boolean> {
    // Archiving an archived product keeps its first archived_at.
    const { count } = await this.db.product.updateMany({
      where: { id: productId, archivedAt: archived ? null : { not: null } },
      data: { archivedAt: archived ? new Date() : null, version: { increment: 1 } },
    });
    return count > 0 || this.exists(productId);
  }

  async openingStock(variantId: string, quantity: number, actorId: string): Promise<void> {
    const after = await applyStockMovement(this.db, { variantId, delta: quantity, reason: "opening", actorId, note: "Opening balance" });
    if (after === null) throw new AppError("internal", `opening stock of variant ${variantId} was not written`);
  }

  async lockImages(productId: string): Promise<{ imageUrl: string | null; images: AdminProductImage[] } | null> {
    const rows = await this.db.$queryRaw<{ image_url: string | null }[]>`SELECT image_url FROM products WHERE id = ${productId}::uuid FOR UPDATE`;
    if (rows.length === 0) return null;
    const images = await this.db.productImage.findMany({ where: { productId }, select: imageSelect, orderBy: [{ position: "asc" }, { createdAt: "asc" }] });
    return { imageUrl: rows[0]!.image_url, images: images.map(toImage) };
  }

  async addImage(image: NewImageRecord, position: number): Promise<void> {
    await this.db.productImage.create({ data: { ...image, position }, select: { id: true } });
  }

  async removeImage(imageId: string): Promise<void> {
    await this.db.productImage.delete({ where: { id: imageId }, select: { id: true } });
  }

  async setImageOrder(productId: string, imageIds: readonly string[]): Promise<void> {
    if (imageIds.length === 0) return;
    await this.db.$executeRaw`
      UPDATE product_images AS i SET position = o.position - 1
        FROM unnest(${[...imageIds]}::uuid[]) WITH ORDINALITY AS o(id, position)
       WHERE i.id = o.id AND i.product_id = ${productId}::uuid AND i.position <> o.position - 1`;
  }

  async setImageUrl(productId: string, url: string | null): Promise<void> {
    await this.db.product.update({ where: { id: productId }, data: { imageUrl: url }, select: { id: true } });
  }
}
