import { randomUUID } from "node:crypto";
import pg from "pg";
import { parseEventPayload, type DomainEvent } from "@/lib/domain/events";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { createServices } from "@/lib/composition/root";
import { insertVariant } from "./variant-rows";

export { insertVariant } from "./variant-rows";

/** A plain pg pool for arranging and asserting, independent of the code under test. */
export function sqlPool(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 4 });
}

export function servicesFor(databaseUrl: string, extra: Record<string, string> = {}) {
  return createServices(loadEnv({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "20", ...extra }));
}

/** A product sold in one variant (no options), with `stock` of it. Returns the product's id (variantIdOf finds the variant). */
export async function insertProduct(pool: pg.Pool, init: { stock: number; priceMinor?: number; name?: string }): Promise<string> {
  return (await insertSimpleProduct(pool, init)).productId;
}

/** The product's own row (SKU and slug from its id), without variants. */
async function insertProductRow(client: pg.PoolClient, productId: string, init: { name?: string; priceMinor?: number }): Promise<void> {
  const tag = productId.slice(0, 8);
  await client.query(
    `INSERT INTO products (id, sku, slug, name, description, price_minor, currency, created_at, updated_at)
     VALUES ($1, $2, $3, $4, '', $5, 'USD', now(), now())`,
    [productId, `SKU-${tag}`, `product-${tag}`, init.name ?? `Product ${tag}`, init.priceMinor ?? 1000],
  );
}

/** A product sold in one variant (no options): both ids. */
export async function insertSimpleProduct(
  pool: pg.Pool,
  init: { stock: number; priceMinor?: number; name?: string; lowStockThreshold?: number },
): Promise<{ productId: string; variantId: string }> {
  const productId = randomUUID();
  const tag = productId.slice(0, 8);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await insertProductRow(client, productId, init);
    const variantId = await insertVariant(client, { productId, sku: `SKU-${tag}`, stock: init.stock, lowStockThreshold: init.lowStockThreshold });
    await client.query("COMMIT");
    return { productId, variantId };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * A product with options and one variant per given combination, each with its
 * own stock (and price override), in one transaction. Options and values are
 * in the order given. Returns the variants' ids by their values joined with
 * "/" in option order ("M/Oak").
 */
export async function insertProductWithVariants(
  pool: pg.Pool,
  init: {
    name?: string;
    priceMinor?: number;
    options: Record<string, readonly string[]>;
    variants: readonly { values: readonly string[]; stock: number; priceOverrideMinor?: number }[];
  },
): Promise<{ productId: string; variantIds: Map<string, string> }> {
  const productId = randomUUID();
  const tag = productId.slice(0, 8);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await insertProductRow(client, productId, init);
    const valueIds: Map<string, string>[] = [];
    for (const [position, [name, values]] of Object.entries(init.options).entries()) {
      const optionId = randomUUID();
      await client.query(`INSERT INTO product_options (id, product_id, name, position) VALUES ($1, $2, $3, $4)`, [optionId, productId, name, position]);
      const ids = new Map<string, string>();
      for (const [i, value] of values.entries()) {
        const id = randomUUID();
        await client.query(`INSERT INTO product_option_values (id, option_id, value, position) VALUES ($1, $2, $3, $4)`, [id, optionId, value, i]);
        ids.set(value, id);
      }
      valueIds.push(ids);
    }
    const variantIds = new Map<string, string>();
    for (const [i, v] of init.variants.entries()) {
      const key = v.values.join("/");
      const variantId = await insertVariant(client, {
        productId,
        sku: `SKU-${tag}-${key.replace(/[^A-Za-z0-9]+/g, "-")}`,
        stock: v.stock,
        priceOverrideMinor: v.priceOverrideMinor ?? null,
        position: i,
      });
      for (const [o, value] of v.values.entries()) {
        await client.query(`INSERT INTO variant_option_values (variant_id, option_value_id) VALUES ($1, $2)`, [variantId, valueIds[o]!.get(value)]);
      }
      variantIds.set(key, variantId);
    }
    await client.query("COMMIT");
    return { productId, variantIds };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The one variant of a product sold in one variant (fails for a product with several). */
export async function variantIdOf(pool: pg.Pool, productId: string): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(`SELECT id FROM product_variants WHERE product_id = $1`, [productId]);
  if (rows.length !== 1) throw new Error(`product ${productId} has ${rows.length} variants, not one`);
  return rows[0]!.id;
}

export async function insertUser(pool: pg.Pool, email = `shopper-${randomUUID().slice(0, 8)}@example.com`) {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'Shopper', 'x', 'customer', now(), now())`,
    [id, email],
  );
  return { id, email };
}

/** A product's stock: the sum of its variants' (for a product sold in one variant, that variant's). */
export async function stockOf(pool: pg.Pool, productId: string): Promise<number> {
  const { rows } = await pool.query<{ stock: number; variants: number }>(
    `SELECT coalesce(sum(stock), 0)::int AS stock, count(*)::int AS variants FROM product_variants WHERE product_id = $1`,
    [productId],
  );
  if (rows[0]!.variants === 0) throw new Error(`no such product ${productId}`);
  return rows[0]!.stock;
}

export async function variantStockOf(pool: pg.Pool, variantId: string): Promise<number> {
  const { rows } = await pool.query<{ stock: number }>(`SELECT stock FROM product_variants WHERE id = $1`, [variantId]);
  return rows[0]!.stock;
}

/** Polls (every `everyMs`) until `check` returns a value that is not undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, what = "condition", everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
}

/** The order.created events the outbox holds for these orders, read back as the relay would publish them. */
export async function orderCreatedEvents(pool: pg.Pool, orderIds: string[]): Promise<DomainEvent<"order.created">[]> {
  const { rows } = await pool.query(
    `SELECT id, aggregate_type, aggregate_id, schema_version, payload, created_at
     FROM outbox_events WHERE type = 'order.created' AND aggregate_id = ANY($1)`,
    [orderIds],
  );
  return rows.map((r) => ({
    id: r.id,
    type: "order.created" as const,
    version: r.schema_version,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    occurredAt: r.created_at,
    payload: parseEventPayload("order.created", r.schema_version, r.payload),
  }));
}
