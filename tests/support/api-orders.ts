/**
 * Arranging orders for the /api/v1/orders tests: users with bearer tokens, a
 * cart filled through the cart use case, and the worker's stock reservation
 * run in-process (these tests run no worker).
 */
import type pg from "pg";
import { getServices } from "@/lib/composition/root";
import { userCartOwner } from "@/lib/domain/cart";
import { parseEventPayload, type DomainEvent } from "@/lib/domain/events";
import { apiCaller } from "./api-fuzz";
import { insertProduct } from "./fixtures";

export interface ApiUser {
  id: string;
  email: string;
  role: "customer" | "admin";
  token: string;
}

/** A registered user (an admin when asked) and a bearer access token for them. */
export async function apiUser(pool: pg.Pool, role: "customer" | "admin" = "customer"): Promise<ApiUser> {
  const { id, email, token } = await apiCaller(pool, role, `api-${role}`);
  return { id, email, role, token };
}

/** Puts `quantity` of a fresh product (with `stock` in stock) in the user's cart; returns the product id. */
export async function fillCart(pool: pg.Pool, userId: string, init: { priceMinor?: number; quantity?: number; stock?: number } = {}): Promise<string> {
  const productId = await insertProduct(pool, { stock: init.stock ?? 10, priceMinor: init.priceMinor ?? 1000 });
  await getServices().cart.addItem(userCartOwner(userId), { productId, quantity: init.quantity ?? 1 });
  return productId;
}

/** What the worker does on order.created: reserves the order's stock (or cancels it as out of stock). */
export async function reserve(pool: pg.Pool, orderId: string): Promise<string> {
  const { rows } = await pool.query(`SELECT id, schema_version, payload, created_at FROM outbox_events WHERE type = 'order.created' AND aggregate_id = $1`, [orderId]);
  if (rows.length !== 1) throw new Error(`expected one order.created event for ${orderId}, found ${rows.length}`);
  const event: DomainEvent<"order.created"> = {
    id: rows[0].id,
    type: "order.created",
    version: rows[0].schema_version,
    aggregateType: "order",
    aggregateId: orderId,
    occurredAt: rows[0].created_at,
    payload: parseEventPayload("order.created", rows[0].schema_version, rows[0].payload),
  };
  return getServices().worker.reserveStock(event);
}

export async function count(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) AS q`, params);
  return Number(rows[0]!.n);
}
