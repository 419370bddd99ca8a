import { AppError } from "../../domain/errors";
import type { Product } from "../../domain/catalog";

export interface ProductPage {
  items: Product[];
  page: number;
  pageSize: number;
  total: number;
  pageCount: number;
}

export interface ProductCatalog {
  list(query: { offset: number; limit: number }, signal?: AbortSignal): Promise<{ items: Product[]; total: number }>;
  findBySlug(slug: string, signal?: AbortSignal): Promise<Product | null>;
}

export const PRODUCT_PAGE_SIZE = 24;

export function makeCatalog(deps: { catalog: ProductCatalog }) {
  return {
    async listProducts(input: { page: number; pageSize?: number }, signal?: AbortSignal): Promise<ProductPage> {
      const pageSize = input.pageSize ?? PRODUCT_PAGE_SIZE;
      const { items, total } = await deps.catalog.list({ offset: (input.page - 1) * pageSize, limit: pageSize }, signal);
      return { items, page: input.page, pageSize, total, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
    },
    async getProduct(slug: string, signal?: AbortSignal): Promise<Product> {
      const product = await deps.catalog.findBySlug(slug, signal);
      if (!product) throw new AppError("not_found", "No such product");
      return product;
    },
  };
}
