import { randomUUID } from "node:crypto";
import type pg from "pg";

/** Anything that runs a query: a pool or a client (inside a transaction). */
export type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query"> | Pick<pg.Client, "query">;

/**
 * A variant of a product with its opening ledger row, in one statement: stock
 * always equals the ledger's sum. Its own random id (never the product's), so
 * a test mixing up the two fails.
 */
export async function insertVariant(
  db: Queryable,
  init: { productId: string; sku: string; stock: number; lowStockThreshold?: number; priceOverrideMinor?: number | null; position?: number },
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `WITH v AS (
       INSERT INTO product_variants (id, product_id, sku, stock, low_stock_threshold, price_override_minor, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, product_id, stock)
     INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, note)
     SELECT product_id, id, stock, stock, 'opening', 'Test fixture' FROM v WHERE stock > 0`,
    [id, init.productId, init.sku, init.stock, init.lowStockThreshold ?? 5, init.priceOverrideMinor ?? null, init.position ?? 0],
  );
  return id;
}

