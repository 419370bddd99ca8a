/**
 * The drain row of `npm run bench` (BENCH_ONLY=drain): how fast a running
 * worker works off a backlog of `order.created` events, from the moment the
 * backlog commits until every order is reserved (or refused for want of stock)
 * and its confirmation email is queued in outgoing_emails. It needs only the
 * shop's database and a running worker (relay and consumers); no web server.
 *
 *   BENCH_DRAIN_ORDERS      orders in the backlog (default 5000; BENCH_SMOKE=1: 300)
 *   BENCH_DRAIN_PRODUCTS    bench products the orders spread over (default 50)
 *   BENCH_DRAIN_DEADLINE_S  how long to wait for the drain (default 600); orders
 *                           not drained by then are the row's errors
 *
 * The backlog is what checkout writes, without checkout's cost: N bench
 * shoppers, N orders of 1–3 lines and their outbox rows, built with the domain's
 * own event builder (makeEvent, the versioned zod schema), all committed in one
 * transaction, so the relay sees N events at once. The products are dedicated
 * bench products, archived so shoppers never see them, opened with their stock
 * through the ledger (an `opening` movement), so every product's stock equals
 * its ledger afterwards as the deferred ledger trigger demands; each has stock
 * for every order, so nothing is refused and the reservation path is measured.
 *
 * placed → reserved is measured from the backlog's commit to each order's
 * status change (the database's own timestamp); with everything placed at once
 * it is the order's place in the queue, so p99 ≈ drain time.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { makeEvent, type DomainEvent } from "../../lib/domain/events";

/** One row of the bench table (the shape bench.ts prints). */
export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  note?: string;
}

export interface DrainOptions {
  databaseUrl: string;
  smoke?: boolean;
  /** Defaults to BENCH_DRAIN_ORDERS. */
  orders?: number;
  products?: number;
  deadlineS?: number;
  log?: (message: string) => void;
}

const SHIP_TO = { name: "Bench Shopper", line1: "1 Drain Street", line2: null, city: "Springfield", postalCode: "12345", country: "US" };
const PRICE_MINOR = 1_500;
/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters per statement; arrays (unnest) sidestep it. */
const CHUNK = 1_000;

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
};

const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

export async function drainRow(opts: DrainOptions): Promise<Row> {
  const n = opts.orders ?? Number(process.env.BENCH_DRAIN_ORDERS ?? (opts.smoke ? 300 : 5_000));
  const productCount = opts.products ?? Number(process.env.BENCH_DRAIN_PRODUCTS ?? 50);
  const deadlineS = opts.deadlineS ?? Number(process.env.BENCH_DRAIN_DEADLINE_S ?? 600);
  const log = opts.log ?? ((m: string) => console.error(m));
  const run = randomUUID().slice(0, 8);
  const db = new pg.Client({ connectionString: opts.databaseUrl, application_name: "storefront-bench-drain" });
  await db.connect();
  try {
    // A backlog already waiting would be drained too and counted against ours.
    const { rows: waiting } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox_events WHERE sent_at IS NULL`);
    if (Number(waiting[0]!.n) > 0) log(`  note: ${waiting[0]!.n} outbox events were already unsent before the drain`);

    // Products: every order takes at most one unit of each, so n in stock each is plenty.
    const products = Array.from({ length: productCount }, (_, i) => ({
      id: randomUUID(),
      sku: `BENCH-DRAIN-${run}-${i}`,
      slug: `bench-drain-${run}-${i}`,
      name: `Bench drain item ${i}`,
    }));
    await db.query("BEGIN");
    await db.query(
      `WITH p AS (
         INSERT INTO products (id, sku, slug, name, price_minor, currency, archived_at, updated_at)
         SELECT id, sku, slug, name, $5, 'USD', now(), now() FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS p(id, sku, slug, name)
         RETURNING id, sku)
       -- Each bench product is sold in one variant, which shares its id.
       INSERT INTO product_variants (id, product_id, sku, stock) SELECT id, id, sku, 0 FROM p`,
      [products.map((p) => p.id), products.map((p) => p.sku), products.map((p) => p.slug), products.map((p) => p.name), PRICE_MINOR],
    );
    // The opening stock through the ledger, the way stock changes everywhere else
    // (applyStockMovement): the update and its ledger row in one statement.
    await db.query(
      `WITH changed AS (UPDATE product_variants SET stock = stock + $2, updated_at = now() WHERE id = ANY($1::uuid[]) RETURNING id, product_id, stock)
       INSERT INTO stock_movements (product_id, variant_id, delta, stock_after, reason, note)
       SELECT product_id, id, $2, stock, 'opening'::"StockMovementReason", 'bench drain' FROM changed`,
      [products.map((p) => p.id), n],
    );
    await db.query("COMMIT");

    // Shoppers: one per order, with no usable password (nobody signs in as them).
    const users = Array.from({ length: n }, (_, i) => ({ id: randomUUID(), email: `bench-drain-${run}-${i}@example.com` }));
    for (const part of chunks(users)) {
      await db.query(
        `INSERT INTO users (id, email, name, password_hash, updated_at)
         SELECT id, email, 'Bench drain shopper', '!', now() FROM unnest($1::uuid[], $2::text[]) AS u(id, email)`,
        [part.map((u) => u.id), part.map((u) => u.email)],
      );
    }

    // Orders and their events, as place-order writes them.
    const placedAt = new Date();
    const orders = users.map((user, i) => {
      const lineCount = 1 + (i % 3);
      const lines = Array.from({ length: lineCount }, (_, k) => {
        const p = products[(i * 7 + k * 13) % productCount]!;
        return { productId: p.id, variantId: p.id, sku: p.sku, name: p.name, variantTitle: "", unitPriceMinor: PRICE_MINOR, quantity: 1 };
      });
      const subtotalMinor = lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
      const orderId = randomUUID();
      const event: DomainEvent<"order.created"> = makeEvent("order.created", {
        id: randomUUID(),
        aggregateType: "order",
        aggregateId: orderId,
        occurredAt: placedAt,
        payload: {
          orderId,
          userId: user.id,
          email: user.email,
          currency: "USD",
          subtotalMinor,
          shippingMinor: 0,
          totalMinor: subtotalMinor,
          shipTo: SHIP_TO,
          lines,
        },
      });
      return { id: orderId, user, lines, subtotalMinor, event };
    });
    await db.query("BEGIN");
    for (const part of chunks(orders)) {
      await db.query(
        `INSERT INTO orders (id, user_id, checkout_key, currency, subtotal_minor, shipping_minor, total_minor,
                             ship_name, ship_line1, ship_line2, ship_city, ship_postal_code, ship_country, created_at, updated_at)
         SELECT id, user_id, checkout_key, 'USD', subtotal, 0, subtotal, $5, $6, NULL, $7, $8, $9, $10, $10
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::int[]) AS o(id, user_id, checkout_key, subtotal)`,
        [
          part.map((o) => o.id),
          part.map((o) => o.user.id),
          part.map(() => randomUUID()),
          part.map((o) => o.subtotalMinor),
          SHIP_TO.name,
          SHIP_TO.line1,
          SHIP_TO.city,
          SHIP_TO.postalCode,
          SHIP_TO.country,
          placedAt,
        ],
      );
      await db.query(
        `INSERT INTO order_status_changes (id, order_id, status, created_at)
         SELECT gen_random_uuid(), id, 'pending', $2 FROM unnest($1::uuid[]) AS o(id)`,
        [part.map((o) => o.id), placedAt],
      );
      const items = part.flatMap((o) => o.lines.map((l) => ({ orderId: o.id, ...l })));
      await db.query(
        `INSERT INTO order_items (id, order_id, product_id, variant_id, sku, name, unit_price_minor, quantity)
         SELECT gen_random_uuid(), order_id, product_id, product_id, sku, name, price, qty
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::int[]) AS i(order_id, product_id, sku, name, price, qty)`,
        [items.map((i) => i.orderId), items.map((i) => i.productId), items.map((i) => i.sku), items.map((i) => i.name), items.map((i) => i.unitPriceMinor), items.map((i) => i.quantity)],
      );
      // The outbox rows exactly as PrismaOutboxWriter stores them.
      await db.query(
        `INSERT INTO outbox_events (id, aggregate_type, aggregate_id, type, schema_version, payload, created_at)
         SELECT id, 'order', aggregate_id, 'order.created', $3, payload, $4
         FROM unnest($1::uuid[], $2::text[], $5::jsonb[]) AS e(id, aggregate_id, payload)`,
        [part.map((o) => o.event.id), part.map((o) => o.event.aggregateId), part[0]!.event.version, placedAt, part.map((o) => JSON.stringify(o.event.payload))],
      );
    }
    await db.query("COMMIT");
    const started = Date.now();
    log(`  drain: ${n} orders (${orders.reduce((s, o) => s + o.lines.length, 0)} lines over ${productCount} products) committed; waiting for the worker`);

    const orderIds = orders.map((o) => o.id);
    const eventIds = orders.map((o) => o.event.id);
    const deadline = started + deadlineS * 1000;
    let decided = 0;
    let queued = 0;
    let lastReport = started;
    while (Date.now() < deadline) {
      const { rows } = await db.query<{ decided: string; queued: string }>(
        `SELECT (SELECT count(*) FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'pending') AS decided,
                (SELECT count(*) FROM outgoing_emails WHERE event_id = ANY($2::uuid[]) AND kind = 'order_confirmation') AS queued`,
        [orderIds, eventIds],
      );
      decided = Number(rows[0]!.decided);
      queued = Number(rows[0]!.queued);
      if (decided >= n && queued >= n) break;
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        log(`  drain: ${decided} decided, ${queued} emails queued after ${((lastReport - started) / 1000).toFixed(0)} s`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    // From the database's own clocks: each order's decision and its email.
    const { rows: decisions } = await db.query<{ order_id: string; at: Date; status: string }>(
      `SELECT DISTINCT ON (order_id) order_id, created_at AS at, status FROM order_status_changes
       WHERE order_id = ANY($1::uuid[]) AND status IN ('stock_reserved', 'cancelled') ORDER BY order_id, created_at`,
      [orderIds],
    );
    const { rows: emails } = await db.query<{ event_id: string; at: Date }>(
      `SELECT event_id, created_at AS at FROM outgoing_emails WHERE event_id = ANY($1::uuid[]) AND kind = 'order_confirmation'`,
      [eventIds],
    );
    const decidedAt = new Map(decisions.map((d) => [d.order_id, d.at.getTime()]));
    const emailAt = new Map(emails.map((e) => [e.event_id, e.at.getTime()]));
    let drainedUntil = started;
    let drained = 0;
    for (const o of orders) {
      const d = decidedAt.get(o.id);
      const e = emailAt.get(o.event.id);
      if (d === undefined || e === undefined) continue;
      drained++;
      drainedUntil = Math.max(drainedUntil, d, e);
    }
    const reserveMs = [...decidedAt.values()].map((t) => Math.max(0, t - started));
    const refused = decisions.filter((d) => d.status === "cancelled").length;
    const seconds = Math.max(0.001, (drainedUntil - started) / 1000);
    return {
      name: `worker drain (${n} order.created backlog → reserved + email queued)`,
      rps: drained / seconds,
      p50: percentile(reserveMs, 50),
      p99: percentile(reserveMs, 99),
      errors: n - drained,
      note: `drained in ${seconds.toFixed(1)} s${refused ? `, ${refused} refused for stock` : ""}`,
    };
  } finally {
    await db.query("ROLLBACK").catch(() => undefined);
    await db.end();
  }
}

// Run on its own: npx tsx scripts/bench/drain.ts (DATABASE_URL, BENCH_DRAIN_*, BENCH_SMOKE).
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  drainRow({ databaseUrl: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/storefront", smoke: process.env.BENCH_SMOKE === "1" })
    .then((row) => console.log(JSON.stringify(row)))
    .catch((error: unknown) => {
      console.error(`drain failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
