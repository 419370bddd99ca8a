/**
 * Helpers for API tests that must prove "nothing changed": API callers with
 * bearer tokens, and a fingerprint of every table whose rows a request could
 * change.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { getServices } from "@/lib/composition/root";

/**
 * Every table holding the shop's state. Left out on purpose: rate_limits
 * (no longer written; the counts live in Redis) and idempotency_keys (a refused
 * request sent with an Idempotency-Key is stored to be replayed, by design).
 */
export const STATE_TABLES = [
  "users",
  "auth_sessions",
  "api_sessions",
  "products",
  "product_categories",
  "product_images",
  "categories",
  "stock_movements",
  "carts",
  "cart_items",
  "orders",
  "order_items",
  "order_status_changes",
  "payment_attempts",
  "refunds",
  "outbox_events",
  "processed_events",
  "dead_letters",
] as const;

const FINGERPRINT_SQL = STATE_TABLES.map(
  (t) => `SELECT '${t}' AS name, count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${t} t`,
).join(" UNION ALL ");

/** One md5 per table over all its rows: equal fingerprints mean no row was added, changed or removed. */
export async function fingerprint(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows } = await pool.query<{ name: string; n: number; digest: string }>(FINGERPRINT_SQL);
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n}:${r.digest}`]));
}

export interface ApiCaller {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** A registered user with a bearer token; `admin` promotes them first (as an admin would). */
export async function apiCaller(pool: pg.Pool, role: "customer" | "admin", label: string = role): Promise<ApiCaller> {
  const services = getServices();
  const email = `${label}-${randomUUID().slice(0, 8)}@example.com`;
  const password = `pw-${randomUUID()}`;
  const user = (await services.auth.registerUser({ email, name: `Api ${label}`, password }))!;
  if (role === "admin") await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [user.id]);
  return { id: user.id, email, password, token: await tokenFor(email, password) };
}

export async function tokenFor(email: string, password: string): Promise<string> {
  const pair = await getServices().auth.apiTokens.issue({ email, password });
  if ("throttled" in pair) throw new Error(`could not get a token for ${email}: throttled`);
  return pair.accessToken;
}
