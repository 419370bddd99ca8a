import { randomUUID } from "node:crypto";
import pg from "pg";
import { parseEventPayload, type DomainEvent } from "@/lib/domain/events";
import { loadEnv } from "@/lib/infrastructure/config/env";
import { createServices } from "@/lib/composition/root";

/** A plain pg pool for arranging and asserting, independent of the code under test. */
export function sqlPool(url: string): pg.Pool {
  return new pg.Pool({ connectionString: url, max: 4 });
}

export function servicesFor(databaseUrl: string, extra: Record<string, string> = {}) {
  return createServices(loadEnv({ ...process.env, DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: "20", ...extra }));
}

export async function insertProduct(pool: pg.Pool, init: { stock: number; priceMinor?: number; name?: string }): Promise<string> {
  const id = randomUUID();
  const tag = id.slice(0, 8);
  // With its opening ledger row, in one statement: stock always equals the ledger's sum.
  await pool.query(
    `WITH p AS (
       INSERT INTO products (id, sku, slug, name, description, price_minor, currency, stock, created_at, updated_at)
       VALUES ($1, $2, $3, $4, '', $5, 'USD', $6, now(), now()) RETURNING id, stock)
     INSERT INTO stock_movements (product_id, delta, stock_after, reason, note)
     SELECT id, stock, stock, 'opening', 'Test fixture' FROM p WHERE stock > 0`,
    [id, `SKU-${tag}`, `product-${tag}`, init.name ?? `Product ${tag}`, init.priceMinor ?? 1000, init.stock],
  );
  return id;
}

export async function insertUser(pool: pg.Pool, email = `shopper-${randomUUID().slice(0, 8)}@example.com`) {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'Shopper', 'x', 'customer', now(), now())`,
    [id, email],
  );
  return { id, email };
}

export async function stockOf(pool: pg.Pool, productId: string): Promise<number> {
  const { rows } = await pool.query<{ stock: number }>(`SELECT stock FROM products WHERE id = $1`, [productId]);
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
