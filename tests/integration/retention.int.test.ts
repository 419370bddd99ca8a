import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { PRUNABLE, type Prunable } from "@/lib/application/maintenance/prune-expired";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { insertProduct, insertUser, servicesFor, sqlPool } from "../support/fixtures";

/**
 * Retention against real PostgreSQL: rows just past each table's cutoff go,
 * rows just inside it (and rows no rule covers) stay, while other connections
 * keep inserting fresh rows, touch an old guest cart and hold a lock on an old
 * session. Small batches, so every table takes several.
 */

const OLD = 30;
const FRESH = 5;
const BATCH = 7;

let db: TestDatabase;
let pool: pg.Pool;
let services: ReturnType<typeof servicesFor>;
let userId: string;
let productId: string;

/** Ids of the rows seeded on each side of each table's cutoff, and of rows no rule covers. */
const old = new Map<Prunable, string[]>();
const kept = new Map<Prunable, string[]>();

/** How each table's rows are found by the ids this file keeps. */
const ID: Record<Prunable, { table: string; id: string }> = {
  auth_sessions: { table: "auth_sessions", id: "id::text" },
  api_sessions: { table: "api_sessions", id: "id::text" },
  idempotency_keys: { table: "idempotency_keys", id: "key" },
  guest_carts: { table: "carts", id: "id::text" },
  rate_limits: { table: "rate_limits", id: "key" },
  processed_events: { table: "processed_events", id: "event_id::text" },
  outgoing_emails: { table: "outgoing_emails", id: "id::text" },
  dead_letters: { table: "dead_letters", id: "id::text" },
};

async function present(what: Prunable, ids: string[]): Promise<number> {
  const { table, id } = ID[what];
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${id} = ANY($1::text[])`, [ids]);
  return rows[0]!.n;
}

/**
 * Inserts one row of `what`, `age` being an SQL interval relative to its cutoff
 * under the default settings: "1 hour" past it (pruned) or "-1 hour" inside it (kept).
 */
async function insertRow(what: Prunable, past: boolean): Promise<string> {
  const id = randomUUID();
  const shift = past ? "1 hour" : "-1 hour";
  switch (what) {
    case "auth_sessions": // expired 24 h ago is the cutoff
      await pool.query(`INSERT INTO auth_sessions (id, user_id, expires_at) VALUES ($1, $2, now() - interval '24 hours' - interval '${shift}')`, [id, userId]);
      break;
    case "api_sessions":
      await pool.query(
        `INSERT INTO api_sessions (id, user_id, refresh_token_hash, expires_at, revoked_at)
         VALUES ($1, $2, md5(random()::text) || md5(random()::text), now() - interval '24 hours' - interval '${shift}', now() - interval '40 days')`,
        [id, userId],
      );
      break;
    case "idempotency_keys": // 1 h past expiry
      await pool.query(
        `INSERT INTO idempotency_keys (user_id, key, scope, request_hash, expires_at)
         VALUES ($1, $2, 'POST /api/v1/orders', md5(random()::text) || md5(random()::text), now() - interval '1 hour' - interval '${shift}')`,
        [userId, id],
      );
      break;
    case "guest_carts": {
      // 30 days untouched; with an item, which goes with its cart.
      await pool.query(
        `INSERT INTO carts (id, guest_token_hash, created_at, updated_at)
         VALUES ($1, md5(random()::text) || md5(random()::text), now() - interval '60 days', now() - interval '30 days' - interval '${shift}')`,
        [id],
      );
      await pool.query(
        `INSERT INTO cart_items (id, cart_id, product_id, variant_id, quantity, updated_at)
         SELECT $1, $2, product_id, id, 1, now() - interval '60 days' FROM product_variants WHERE product_id = $3`,
        [randomUUID(), id, productId],
      );
      break;
    }
    case "rate_limits": // window ended 1 h ago; epoch milliseconds
      await pool.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 3, (extract(epoch FROM now() - interval '1 hour' - interval '${shift}') * 1000)::bigint)`, [id]);
      break;
    case "processed_events": // 336 h
      await pool.query(`INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ('inventory', $1, now() - interval '336 hours' - interval '${shift}')`, [id]);
      break;
    case "outgoing_emails": // sent 30 days ago
      await pool.query(
        `INSERT INTO outgoing_emails (id, event_id, kind, recipient, subject, text_body, html_body, message_id, status, attempts, next_attempt_at, sent_at, created_at)
         VALUES ($1::uuid, $1::uuid, 'welcome', 'someone@example.com', 'Welcome', 'Hello', '<p>Hello</p>', $1::text || '@test', 'sent', 1,
                 now() - interval '30 days' - interval '${shift}' - interval '1 minute', now() - interval '30 days' - interval '${shift}', now() - interval '31 days')`,
        [id],
      );
      break;
    case "dead_letters": // 30 days
      await pool.query(
        `INSERT INTO dead_letters (id, topic, partition, "offset", consumer, error, headers, payload, created_at)
         VALUES ($1::uuid, 'order.created', 0, left($1::text, 32), 'inventory', 'unreadable', '{}', '{"email":"someone@example.com"}', now() - interval '30 days' - interval '${shift}')`,
        [id],
      );
      break;
  }
  return id;
}

/** Rows older than any cutoff that no rule covers: a user's cart, a pending and a failed email, a rate-limit row with no window. */
async function insertUncovered(): Promise<void> {
  const userCart = randomUUID();
  await pool.query(`INSERT INTO carts (id, user_id, created_at, updated_at) VALUES ($1, $2, now() - interval '2 years', now() - interval '2 years')`, [userCart, userId]);
  kept.get("guest_carts")!.push(userCart);
  for (const status of ["pending", "failed"]) {
    const id = randomUUID();
    await pool.query(
      `INSERT INTO outgoing_emails (id, event_id, kind, recipient, subject, text_body, html_body, message_id, status, attempts, next_attempt_at, created_at)
       VALUES ($1::uuid, $1::uuid, 'welcome', 'someone@example.com', 'Welcome', 'Hello', '<p>Hello</p>', $1::text || '@test', $2, 8, now() - interval '1 year', now() - interval '1 year')`,
      [id, status],
    );
    kept.get("outgoing_emails")!.push(id);
  }
  const key = randomUUID();
  await pool.query(`INSERT INTO rate_limits (key, points, expire) VALUES ($1, 1, NULL)`, [key]);
  kept.get("rate_limits")!.push(key);
}

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  services = servicesFor(db.url, { RETENTION_BATCH_SIZE: String(BATCH), RETENTION_PAUSE_MS: "2" });
  userId = (await insertUser(pool)).id;
  productId = await insertProduct(pool, { stock: 10 });
  for (const what of PRUNABLE) {
    old.set(what, []);
    kept.set(what, []);
    for (let i = 0; i < OLD; i++) old.get(what)!.push(await insertRow(what, true));
    for (let i = 0; i < FRESH; i++) kept.get(what)!.push(await insertRow(what, false));
  }
  await insertUncovered();
});

afterAll(async () => {
  await services?.close();
  await pool?.end();
  await db?.drop();
});

describe("retention pruning", () => {
  it("deletes every row past its table's retention and keeps the rest, while other connections write and hold locks", async () => {
    const touchedCart = old.get("guest_carts")!.pop()!;
    const lockedSession = old.get("auth_sessions")!.pop()!;

    // Traffic: a shopper comes back to an old guest cart (touching it inside a
    // transaction that outlasts several batches), a request holds an old
    // session's row, and new sessions and processed events keep arriving.
    const shopper = await pool.connect();
    const request = await pool.connect();
    let stop = false;
    const inserted: { auth_sessions: string[]; processed_events: string[] } = { auth_sessions: [], processed_events: [] };
    try {
      await shopper.query("BEGIN");
      await shopper.query("UPDATE carts SET updated_at = now() WHERE id = $1", [touchedCart]);
      await request.query("BEGIN");
      await request.query("SELECT 1 FROM auth_sessions WHERE id = $1 FOR UPDATE", [lockedSession]);
      const writer = (async () => {
        while (!stop) {
          const sid = randomUUID();
          await pool.query("INSERT INTO auth_sessions (id, user_id, expires_at) VALUES ($1, $2, now() + interval '30 days')", [sid, userId]);
          inserted.auth_sessions.push(sid);
          const eid = randomUUID();
          await pool.query("INSERT INTO processed_events (consumer, event_id) VALUES ('notifications', $1)", [eid]);
          inserted.processed_events.push(eid);
        }
      })();
      const pruned: [Prunable, number][] = [];
      const shopperCommits = (async () => {
        await new Promise((r) => setTimeout(r, 50));
        await shopper.query("COMMIT");
      })();

      // Neither the shopper's nor the request's lock makes the pruner wait.
      const totals = await services.worker.pruneExpired((what, n) => pruned.push([what, n]))();
      stop = true;
      await Promise.all([writer, shopperCommits]);

      for (const what of PRUNABLE) {
        expect(await present(what, old.get(what)!), `${what}: old rows left`).toBe(0);
        expect(await present(what, kept.get(what)!), `${what}: rows inside retention`).toBe(kept.get(what)!.length);
        expect(totals[what], what).toBe(old.get(what)!.length);
        // Several batches each: the batch size is below the number of old rows.
        expect(pruned.filter(([w]) => w === what).length, what).toBeGreaterThanOrEqual(Math.ceil(old.get(what)!.length / BATCH));
      }
      expect(await present("auth_sessions", inserted.auth_sessions)).toBe(inserted.auth_sessions.length);
      expect(await present("processed_events", inserted.processed_events)).toBe(inserted.processed_events.length);
      expect(inserted.auth_sessions.length).toBeGreaterThan(0);
      // The cart the shopper came back to stays, with its item; the pruned carts' items went with them.
      expect(await present("guest_carts", [touchedCart])).toBe(1);
      const items = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cart_items WHERE cart_id = ANY($1::uuid[])", [old.get("guest_carts")!]);
      expect(items.rows[0]!.n).toBe(0);
      // The session a request held was skipped, not waited for...
      expect(await present("auth_sessions", [lockedSession])).toBe(1);
    } finally {
      stop = true;
      await shopper.query("ROLLBACK").catch(() => undefined);
      shopper.release();
      await request.query("ROLLBACK");
      request.release();
    }
    // ...and goes on the next run, once nobody holds it.
    const next = await services.worker.pruneExpired()();
    expect(next.auth_sessions).toBe(1);
    expect(await present("auth_sessions", [lockedSession])).toBe(0);
  });

});
