/** The back office's reads of products: the filtered list, one product, the categories to choose from. */
import { z } from "zod";
import { AppError } from "../../../domain/errors";
import { parseInput } from "../../../domain/validation";
import { pageCount, pageWindow } from "../../catalog/paging";
import { requireAdmin, type Actor } from "../access";
import { ADMIN_PRODUCT_PAGE_SIZE, PRODUCT_STATUSES, STOCK_FILTERS, type AdminCategoryOption, type AdminProduct, type AdminProductCriteria, type ProductAdminReader } from "./model";
import { productId } from "./shared";

const listInputSchema = z.object({
  q: z.string().max(100).optional(),
  category: z.string().uuid().optional(),
  status: z.enum(PRODUCT_STATUSES).optional(),
  stock: z.enum(STOCK_FILTERS).optional(),
  page: z.number().int().min(1).max(10_000).optional(),
  pageSize: z.number().int().min(1).max(100).optional(),
});

export type AdminProductListInput = z.input<typeof listInputSchema>;

/** A page of products matching the filters (active ones unless a status is asked for). */
export function makeListProducts(deps: { reader: ProductAdminReader }) {
  return async (actor: Actor | null, input: AdminProductListInput = {}, signal?: AbortSignal) => {
    requireAdmin(actor);
    const { q, category, status = "active", stock, page = 1, pageSize = ADMIN_PRODUCT_PAGE_SIZE } = parseInput(listInputSchema, input, { message: "Invalid filters" });
    const text = q?.trim() || undefined;
    const criteria: AdminProductCriteria = { status, ...(text ? { text } : {}), ...(category ? { categoryId: category } : {}), ...(stock ? { stock } : {}) };
    const found = await deps.reader.list(criteria, pageWindow(page, pageSize), signal);
    return { ...found, page, pageSize, pageCount: pageCount(found.total, pageSize), criteria };
  };
}

/** One product with its images and version (archived ones too). */
export function makeGetProduct(deps: { reader: ProductAdminReader }) {
  return async (actor: Actor | null, id: string, signal?: AbortSignal): Promise<AdminProduct> => {
    requireAdmin(actor);
    const product = await deps.reader.get(productId(id), signal);
    if (!product) throw new AppError("not_found", "No such product");
    return product;
  };
}

export function makeListProductCategories(deps: { reader: ProductAdminReader }) {
  return async (actor: Actor | null, signal?: AbortSignal): Promise<AdminCategoryOption[]> => {
    requireAdmin(actor);
    return deps.reader.listCategories(signal);
  };
}
