import { randomUUID } from "node:crypto";
import type pg from "pg";
import { parseEventPayload, type DomainEvent, type Topic } from "@/lib/domain/events";
import type { OrderStatus } from "@/lib/domain/order";

/** An admin account, as the seed makes one; returns the Actor the use cases take. */
export async function insertAdmin(pool: pg.Pool) {
  const id = randomUUID();
  const email = `admin-${id.slice(0, 8)}@example.com`;
  await pool.query(
    `INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at) VALUES ($1, $2, 'Admin', 'x', 'admin', now(), now())`,
    [id, email],
  );
  return { id, email, role: "admin" as const };
}

/**
 * An order in any status, written directly (no stock moves): for tests of what
 * the status machine allows, not of the stock. One line of `productId`.
 */
export async function insertOrderInStatus(
  pool: pg.Pool,
  init: { userId: string; productId: string; status: OrderStatus; createdAt?: Date; version?: number },
): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `WITH o AS (
       INSERT INTO orders (id, user_id, status, checkout_key, currency, subtotal_minor, shipping_minor, total_minor,
                           ship_name, ship_line1, ship_city, ship_postal_code, ship_country, version, reserved_until, created_at, updated_at)
       VALUES ($1, $2, $3::"OrderStatus", $4, 'USD', 1000, 495, 1495, 'Ada Lovelace', '12 Hill Street', 'San Francisco', '94107', 'US', $5,
               CASE WHEN $3::text = 'stock_reserved' THEN now() + interval '10 minutes' END, $6, $6)
       RETURNING id, created_at)
     , i AS (INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity)
             SELECT gen_random_uuid(), o.id, v.product_id, v.id, 'SKU-T', 'Test item', 1000, 1
               FROM o, (SELECT id, product_id FROM product_variants WHERE product_id = $7 ORDER BY position, id LIMIT 1) v)
     INSERT INTO order_status_changes (id, order_id, status, created_at) SELECT gen_random_uuid(), id, 'pending', created_at FROM o`,
    [id, init.userId, init.status, id, init.version ?? 0, init.createdAt ?? new Date(), init.productId],
  );
  return id;
}

/** The outbox events of one order and topic, parsed as the consumers would. */
export async function outboxEvents<T extends Topic>(pool: pg.Pool, type: T, orderId: string): Promise<DomainEvent<T>[]> {
  const { rows } = await pool.query(
    `SELECT id, schema_version, payload, created_at FROM outbox_events WHERE type = $1 AND aggregate_id = $2 ORDER BY created_at, id`,
    [type, orderId],
  );
  return rows.map((r) => ({
    id: r.id,
    type,
    version: r.schema_version,
    aggregateType: "order",
    aggregateId: orderId,
    occurredAt: r.created_at,
    payload: parseEventPayload(type, r.schema_version, r.payload),
  }));
}

/** What an order row and its timeline say, for before/after comparisons. */
export async function orderSnapshot(pool: pg.Pool, orderId: string) {
  const { rows } = await pool.query(
    `SELECT status, version, cancellation_reason, tracking_reference, reserved_until,
            (SELECT count(*)::int FROM refunds r WHERE r.order_id = orders.id) AS refunds FROM orders WHERE id = $1`,
    [orderId],
  );
  const { rows: timeline } = await pool.query(
    `SELECT c.status, c.reason, c.actor_id FROM order_status_changes c WHERE c.order_id = $1 ORDER BY c.created_at, c.id`,
    [orderId],
  );
  const { rows: events } = await pool.query(`SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY created_at, id`, [orderId]);
  return { ...rows[0], timeline, events: events.map((e) => e.type as string) };
}
