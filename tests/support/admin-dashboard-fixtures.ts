import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { OrderStatus } from "@/lib/domain/order";

/**
 * An order row at a chosen time, for the dashboard's figures. No lines: the
 * dashboard reads orders only. total = subtotal (no shipping), as the CHECK asks.
 */
export async function insertOrderAt(
  pool: pg.Pool,
  init: { userId: string; status: OrderStatus; totalMinor: number; createdAt: string; paidAt?: string | null; currency?: string },
): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO orders (id, user_id, status, checkout_key, currency, subtotal_minor, shipping_minor, total_minor, paid_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, 0, $6, $7, $8, $8)`,
    [id, init.userId, init.status, randomUUID(), init.currency ?? "USD", init.totalMinor, init.paidAt ?? null, init.createdAt],
  );
  return id;
}

/** A processed event, with (or without) the outbox row it came from. */
export async function insertProcessedEvent(
  pool: pg.Pool,
  init: { consumer: string; processedAt: string; outbox?: { type: string; aggregateType: string; aggregateId: string } },
): Promise<string> {
  const id = randomUUID();
  if (init.outbox) {
    await pool.query(
      `INSERT INTO outbox_events (id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, sent_at)
       VALUES ($1, $2, $3, $4, 1, '{}'::jsonb, $5, $5)`,
      [id, init.outbox.aggregateType, init.outbox.aggregateId, init.outbox.type, init.processedAt],
    );
  }
  await pool.query(`INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3)`, [init.consumer, id, init.processedAt]);
  return id;
}

export async function insertDeadLetter(pool: pg.Pool, init: { topic: string; offset: string; createdAt: string; error?: string }): Promise<string> {
  const id = randomUUID();
  await pool.query(
    `INSERT INTO dead_letters (id, topic, partition, "offset", consumer, event_id, error, headers, payload, created_at)
     VALUES ($1, $2, 0, $3, 'test-group', NULL, $4, '{}'::jsonb, 'not json', $5)`,
    [id, init.topic, init.offset, init.error ?? "SyntaxError: Unexpected token", init.createdAt],
  );
  return id;
}
