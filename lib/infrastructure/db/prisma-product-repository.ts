import type { ProductCatalog } from "../../application/catalog/catalog";
import type { Product } from "../../domain/catalog";
import { productSelect, toProduct } from "./mappers";
import type { Db } from "./prisma-client";

export class PrismaProductRepository implements ProductCatalog {
  constructor(private readonly db: Db) {}

  async list(query: { offset: number; limit: number }): Promise<{ items: Product[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.db.product.findMany({ select: productSelect, orderBy: [{ name: "asc" }, { id: "asc" }], skip: query.offset, take: query.limit }),
      this.db.product.count(),
    ]);
    return { items: rows.map(toProduct), total };
  }

  async findBySlug(slug: string): Promise<Product | null> {
    const row = await this.db.product.findUnique({ where: { slug }, select: productSelect });
    return row ? toProduct(row) : null;
  }

  async findById(productId: string): Promise<Product | null> {
    const row = await this.db.product.findUnique({ where: { id: productId }, select: productSelect });
    return row ? toProduct(row) : null;
  }
}
