import { randomUUID } from "node:crypto";
import pg from "pg";

/**
 * Products for the stock journeys, written straight to the database the app
 * under test uses (DATABASE_URL, as scripts/test.sh and the e2e runner export
 * it): each with a unique name, its opening ledger row and a category, so it
 * shows in the shop like any other product.
 */
export interface StockFixtureProduct {
  id: string;
  name: string;
  slug: string;
  sku: string;
}

export async function createStockProduct(init: { stock: number; lowStockThreshold?: number; label?: string }): Promise<StockFixtureProduct> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL must point at the database of the app under test");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const id = randomUUID();
    const tag = id.slice(0, 8);
    const product = { id, name: `${init.label ?? "Stock test lamp"} ${tag}`, slug: `stock-test-${tag}`, sku: `STK-${tag.toUpperCase()}` };
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, stock, low_stock_threshold, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'A product made by the stock journeys.', 1500, 'USD', 0, $5, now(), now())`,
      [id, product.sku, product.slug, product.name, init.lowStockThreshold ?? 5],
    );
    if (init.stock > 0) {
      // Stock enters with its opening row, as the ledger's triggers demand.
      await client.query(`UPDATE products SET stock = $2 WHERE id = $1`, [id, init.stock]);
      await client.query(
        `INSERT INTO stock_movements (product_id, delta, stock_after, reason, note) VALUES ($1, $2, $2, 'opening', 'E2E fixture')`,
        [id, init.stock],
      );
    }
    await client.query(
      `INSERT INTO product_categories (product_id, category_id) SELECT $1, id FROM categories ORDER BY position, name LIMIT 1`,
      [id],
    );
    await client.query("COMMIT");
    return product;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}
