import type { CategoryDirectory } from "../../application/catalog/catalog";
import type { Category, CategorySummary } from "../../domain/catalog";
import type { Db } from "./prisma-client";

const categorySelect = { id: true, slug: true, name: true, description: true } as const;

export class PrismaCategoryRepository implements CategoryDirectory {
  constructor(private readonly db: Db) {}

  /** Counts only products the shop shows (not archived ones). */
  async listWithCounts(): Promise<CategorySummary[]> {
    const rows = await this.db.category.findMany({
      select: { ...categorySelect, _count: { select: { products: { where: { product: { archivedAt: null } } } } } },
      orderBy: [{ position: "asc" }, { name: "asc" }],
    });
    return rows.map(({ _count, ...c }) => ({ ...c, productCount: _count.products }));
  }

  async findBySlug(slug: string): Promise<Category | null> {
    return this.db.category.findUnique({ where: { slug }, select: categorySelect });
  }
}
