import { randomUUID } from "node:crypto";
import pg from "pg";
import { insertVariant } from "./variant-rows";

/**
 * Products for the stock journeys, written straight to the database the app
 * under test uses (DATABASE_URL, as scripts/test.sh and the e2e runner export
 * it): each with a unique name, its opening ledger row and a category, so it
 * shows in the shop like any other product.
 */
export interface StockFixtureProduct {
  id: string;
  /** Its one variant: the unit of stock the stock pages show (/admin/stock/{variantId}). */
  variantId: string;
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
    const name = `${init.label ?? "Stock test lamp"} ${tag}`;
    const sku = `STK-${tag.toUpperCase()}`;
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'A product made by the stock journeys.', 1500, 'USD', now(), now())`,
      [id, sku, `stock-test-${tag}`, name],
    );
    // Sold in one variant; stock enters with its opening row, as the ledger's triggers demand.
    const variantId = await insertVariant(client, { productId: id, sku, stock: init.stock, lowStockThreshold: init.lowStockThreshold ?? 5 });
    const product = { id, variantId, name, slug: `stock-test-${tag}`, sku };
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
