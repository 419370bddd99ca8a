import { randomUUID } from "node:crypto";
import type pg from "pg";
import { SEED_CATEGORIES, seedProducts, type SeedProduct } from "@/prisma/seed-data";
import { insertVariant } from "./variant-rows";

export interface SeededCatalog {
  products: (SeedProduct & { id: string })[];
  categoryIds: Map<string, string>;
}

/** Inserts the seed catalog (5 categories, 60 products, their links) with plain SQL, independent of the code under test. */
export async function insertSeedCatalog(pool: pg.Pool): Promise<SeededCatalog> {
  const categoryIds = new Map<string, string>();
  for (const c of SEED_CATEGORIES) {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO categories (id, slug, name, description, position, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())`,
      [id, c.slug, c.name, c.description, c.position],
    );
    categoryIds.set(c.slug, id);
  }
  const products = [];
  for (const p of seedProducts()) {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, image_url, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'USD', $7, $8, now())`,
      [id, p.sku, p.slug, p.name, p.description, p.priceMinor, p.imageUrl, p.createdAt],
    );
    // Sold in one variant (no options), as the seed's products are.
    await insertVariant(pool, { productId: id, sku: p.sku, stock: p.stock });
    for (const slug of p.categorySlugs) {
      await pool.query(`INSERT INTO product_categories (product_id, category_id) VALUES ($1, $2)`, [id, categoryIds.get(slug)]);
    }
    products.push({ ...p, id });
  }
  return { products, categoryIds };
}
