/**
 * The scale drill (issue 15, ADR 015): the shop as the README's scale section
 * runs it — three brokers, two web instances behind nginx, two workers — takes
 * 1,000 orders from 100 shoppers over about a minute while the leader of the
 * order.created partitions, one worker and one web instance are SIGKILLed and
 * restarted. Then every guarantee is checked and the figures are reported
 * (.local/test-reports/scale-figures.json, printed by scripts/test.sh).
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SHIP_TO } from "../support/addresses";
import { eventually, variantIdOf } from "../support/fixtures";
import { collectConsumerLag } from "@/lib/infrastructure/kafka/consumer-lag";
import type { Gauge } from "@/lib/infrastructure/observability/metrics";
import { sleep, waitReady } from "../fault/harness";
import { RetryingClient } from "./client";
import { cluster, scaleWorld, SCALE, SHOPPER_PASSWORD, type ScaleWorld } from "./world";

const ORDERS = Number(process.env.SCALE_ORDERS ?? 1_000);
const SHOPPERS = 100;
const DURATION_MS = Number(process.env.SCALE_DURATION_MS ?? 60_000);
/**
 * When each fault strikes, as a share of the placing window; each is restarted a few seconds later.
 * The broker goes last: its consumers take longest to settle (ADR 015), and a fault during that
 * would measure both at once.
 */
const FAULTS = { worker: 0.15, web: 0.4, broker: 0.6 } as const;
const RESTART_AFTER_MS = 5_000;
const INVENTORY_GROUP = "storefront.inventory";
const NOTIFICATIONS_GROUP = "storefront.notifications";
/** The topics each group reads (workers/handlers). */
const GROUP_TOPICS: Record<string, string[]> = {
  [INVENTORY_GROUP]: ["order.created", "order.cancelled"],
  [NOTIFICATIONS_GROUP]: ["order.created", "order.paid", "order.shipped", "order.refunded", "user.registered", "user.registration_attempted"],
};
const REPORTS = path.resolve(import.meta.dirname, "../../.local/test-reports");

let world: ScaleWorld;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  const t0 = Date.now();
  world = await scaleWorld();
  await Promise.all([world.startWeb(0), world.startWeb(1), world.startWorker(0), world.startWorker(1)]);
  await world.startBalancer();
  await Promise.all(world.workers.map((w) => waitReady(w!)));
  figures.setupMs = Date.now() - t0;
}, 300_000);

afterAll(async () => {
  writeFileSync(path.join(REPORTS, "scale-figures.json"), JSON.stringify(figures, null, 2));
  console.log(`scale figures: ${JSON.stringify(figures, null, 2)}`);
  await world?.close();
}, 180_000);

const address = (i: number) => `10.${20 + Math.floor(i / 250)}.${i % 250}.${1 + (i % 7)}`;
const direct = (i: 0 | 1) => `http://127.0.0.1:${SCALE.webPorts[i]}`;

async function token(client: RetryingClient, email: string, password: string, addr: string): Promise<string> {
  const res = await client.send<{ accessToken: string }>("POST", "/api/v1/auth/token", { address: addr, body: { email, password } });
  expect(res.status, `sign-in of ${email}`).toBe(200);
  return res.body.accessToken;
}

it("a shopper moving between the two instances notices nothing, and an admin's price change shows on both within a second", async () => {
  const { pool } = world;
  const [productId] = await world.products(1, 50, 2_500);
  // The admin API replaces a product's categories with every write: it needs one.
  await pool.query(
    `WITH c AS (INSERT INTO categories (id, slug, name, updated_at) VALUES (gen_random_uuid(), 'scale-drill', 'Drill', now()) RETURNING id)
     INSERT INTO product_categories (product_id, category_id) SELECT $1, id FROM c`,
    [productId],
  );
  const [shopper, victim, admin] = await world.shoppers(3);
  const a = new RetryingClient(direct(0));
  const b = new RetryingClient(direct(1));
  const addr = "10.9.0.1";
  const bearer = await token(a, shopper!.email, SHOPPER_PASSWORD, addr);

  // The cart and an Idempotency-Key are the shop's, not an instance's: the same add sent to each instance adds once.
  const key = randomUUID();
  const first = await a.send<{ lines: { quantity: number }[] }>("POST", "/api/v1/cart/items", { token: bearer, address: addr, body: { productId, quantity: 2 }, idempotencyKey: key });
  const replay = await b.send<{ lines: { quantity: number }[] }>("POST", "/api/v1/cart/items", { token: bearer, address: addr, body: { productId, quantity: 2 }, idempotencyKey: key });
  expect([first.status, replay.status]).toEqual([201, 201]);
  const cartOnB = await b.send<{ lines: { productId: string; variantId: string; quantity: number }[] }>("GET", "/api/v1/cart", { token: bearer, address: addr });
  expect(cartOnB.body.lines).toEqual([expect.objectContaining({ productId, variantId: await variantIdOf(pool, productId!), quantity: 2 })]);

  // A browser session made on one instance is the other's too (sessions live in PostgreSQL).
  const browser = { "x-forwarded-for": "10.9.0.4", "user-agent": "scale-drill-browser" };
  const csrf = await fetch(`${direct(0)}/api/auth/csrf`, { headers: browser });
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      jar.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${direct(0)}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...browser, cookie: cookie(), "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email: shopper!.email, password: SHOPPER_PASSWORD, callbackUrl: "/account" }),
  });
  keep(signIn);
  expect([...jar.keys()].some((k) => k.endsWith("session-token")), `cookies after sign-in: ${[...jar.keys()].join(", ")}`).toBe(true);
  for (const base of [direct(1), direct(0)]) {
    const account = await fetch(`${base}/account`, { redirect: "manual", headers: { ...browser, cookie: cookie() } });
    expect(account.status, `GET /account on ${base}`).toBe(200);
    expect(await account.text()).toContain(shopper!.email);
  }

  // Sign-in failures are counted in Redis: alternating instances does not double the allowance.
  const wrong = { email: victim!.email, password: "not-the-password" };
  const statuses: number[] = [];
  for (let i = 0; i < 40 && !statuses.includes(429); i++) {
    const res = await fetch(`${direct((i % 2) as 0 | 1)}/api/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": "10.9.0.2" },
      body: JSON.stringify(wrong),
    });
    statuses.push(res.status);
  }
  const singleInstanceFailures = statuses.indexOf(429);
  expect(singleInstanceFailures).toBeGreaterThan(0);
  figures.signInFailuresBefore429AcrossInstances = singleInstanceFailures;

  // A price change through one instance reaches the other's cached product page (PostgreSQL NOTIFY).
  const { rows } = await pool.query<{ slug: string; version: number }>(`SELECT slug, version FROM products WHERE id = $1`, [productId]);
  const page = `/products/${rows[0]!.slug}`;
  for (const base of [direct(0), direct(1)]) {
    const seen: (string | null)[] = [];
    await eventually(
      async () => {
        const res = await fetch(base + page);
        expect(res.status).toBe(200);
        seen.push(res.headers.get("x-nextjs-cache"));
        return seen.at(-1) === "HIT" && (await res.text()).includes("$25.00") ? true : undefined;
      },
      5_000,
      `the product page cached on ${base}`,
      50,
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}; x-nextjs-cache answers: ${seen.join(", ")}`);
    });
  }
  await pool.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [admin!.id]);
  const adminToken = await token(a, admin!.email, SHOPPER_PASSWORD, "10.9.0.3");
  const changedAt = Date.now();
  const patched = await a.send("PATCH", `/api/v1/admin/products/${productId}`, {
    token: adminToken,
    address: "10.9.0.3",
    body: { version: rows[0]!.version, price: { amountMinor: 2_600, currency: "USD" }, categoryIds: (await pool.query<{ id: string }>(`SELECT category_id AS id FROM product_categories WHERE product_id = $1`, [productId])).rows.map((r) => r.id) },
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  const shownAfter: number[] = [];
  await Promise.all(
    [direct(1), direct(0)].map(async (base, i) => {
      await eventually(async () => ((await (await fetch(base + page)).text()).includes("$26.00") ? true : undefined), 5_000, "the new price", 20);
      shownAfter[i] = Date.now() - changedAt;
    }),
  );
  figures.priceChangeShownAfterMs = { otherInstance: shownAfter[0], writer: shownAfter[1] };
  expect(Math.max(...shownAfter)).toBeLessThan(1_000);
});

it("1,000 orders through the load balancer while a broker, a worker and a web instance are killed: each placed once, reserved or rejected once, confirmed once, nothing lost", async () => {
  const { pool, admin, prefix } = world;
  const topic = prefix + "order.created";
  // Most products have plenty; four are scarce, so some orders are rejected as out of stock.
  const plenty = await world.products(16, 100_000);
  const scarceStock = Math.max(5, Math.round(ORDERS / 25));
  const scarce = await world.products(4, scarceStock);
  const shoppers = await world.shoppers(SHOPPERS);
  const client = new RetryingClient(world.lb);
  const tokens = await Promise.all(shoppers.map((s, i) => token(client, s.email, SHOPPER_PASSWORD, address(i))));

  // ---- the faults, on a timeline of their own -----------------------------------------------
  const faults: Record<string, Record<string, number | string>> = {};
  const windows: { name: string; from: number; to: number }[] = [];
  const started = Date.now();
  const at = (share: number) => sleep(Math.max(0, started + share * DURATION_MS - Date.now()));

  async function brokerFault() {
    await at(FAULTS.broker);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    const leaders = meta.topics[0]!.partitions.map((p) => p.leader);
    const victim = [...new Set(leaders)].sort((x, y) => leaders.filter((l) => l === y).length - leaders.filter((l) => l === x).length)[0]!;
    const led = meta.topics[0]!.partitions.filter((p) => p.leader === victim).map((p) => p.partitionId);
    const killedAt = Date.now();
    await cluster.kill(victim);
    const elected = await eventually(
      async () => {
        const m = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
        const ps = m?.topics[0]?.partitions.filter((p) => led.includes(p.partitionId));
        return ps && ps.every((p) => p.leader !== victim && p.leader >= 0) ? Date.now() : undefined;
      },
      60_000,
      "new leaders",
      100,
    );
    // The relay publishes again: an event created after the kill is sent.
    const published = await eventually(
      async () => {
        const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE created_at > $1 AND sent_at IS NOT NULL`, [new Date(killedAt)]);
        return rows[0]!.n > 0 ? Date.now() : undefined;
      },
      60_000,
      "the relay to publish again",
      100,
    );
    await sleep(Math.max(0, killedAt + RESTART_AFTER_MS - Date.now()));
    const restartAt = Date.now();
    await cluster.startNode(victim);
    const insync = await eventually(
      async () => {
        const m = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => null);
        return m?.topics[0]?.partitions.every((p) => p.isr.length === 3) ? Date.now() : undefined;
      },
      90_000,
      "the restarted broker back in sync",
      200,
    );
    windows.push({ name: "broker", from: killedAt, to: published });
    faults.broker = {
      killedNode: victim,
      partitionsLed: led.length,
      leadersElectedMs: elected - killedAt,
      relayPublishingAgainMs: published - killedAt,
      restartedAfterMs: restartAt - killedAt,
      backInSyncAfterRestartMs: insync - restartAt,
    };
  }

  async function groupMembers(group: string): Promise<{ state: string; clients: string[] }> {
    const { groups } = await admin.describeGroups([prefix + group]);
    return { state: groups[0]!.state, clients: groups[0]!.members.map((m) => m.clientHost + m.memberId) };
  }

  async function workerFault() {
    await at(FAULTS.worker);
    const victim = world.workers[0]!;
    const before = await groupMembers(INVENTORY_GROUP);
    const killedAt = Date.now();
    victim.kill("SIGKILL");
    await victim.exited;
    // Handed over: both groups stable again without the dead member.
    const handedOver = await eventually(
      async () => {
        const [inv, notes] = await Promise.all([groupMembers(INVENTORY_GROUP), groupMembers(NOTIFICATIONS_GROUP)]).catch(() => [null, null]);
        return inv && notes && inv.state === "Stable" && notes.state === "Stable" && inv.clients.length === 1 && notes.clients.length === 1 ? Date.now() : undefined;
      },
      60_000,
      "the dead worker's partitions to move",
      100,
    );
    await sleep(Math.max(0, killedAt + RESTART_AFTER_MS - Date.now()));
    const restartAt = Date.now();
    const fresh = await world.startWorker(0, "1b");
    await waitReady(fresh);
    const rejoined = await eventually(
      async () => {
        const inv = await groupMembers(INVENTORY_GROUP).catch(() => null);
        return inv && inv.state === "Stable" && inv.clients.length === 2 ? Date.now() : undefined;
      },
      60_000,
      "the restarted worker in its groups",
      100,
    );
    windows.push({ name: "worker", from: killedAt, to: handedOver });
    faults.worker = {
      membersBefore: before.clients.length,
      partitionsHandedOverMs: handedOver - killedAt,
      restartedAfterMs: restartAt - killedAt,
      rejoinedAfterRestartMs: rejoined - restartAt,
    };
  }

  async function webFault() {
    await at(FAULTS.web);
    const victim = world.webs[0]!;
    const killedAt = Date.now();
    victim.kill("SIGKILL");
    await victim.exited;
    await sleep(RESTART_AFTER_MS);
    const restartAt = Date.now();
    await world.startWeb(0, "1b");
    const serving = Date.now();
    windows.push({ name: "web", from: killedAt, to: serving });
    faults.web = { restartedAfterMs: restartAt - killedAt, servingAgainAfterRestartMs: serving - restartAt };
  }

  // ---- the shoppers -----------------------------------------------------------------------------
  const placed: { key: string; orderId: string; shopper: number; at: number }[] = [];
  let next = 0;
  const place = async (s: number) => {
    while (next < ORDERS) {
      const n = next++;
      await sleep(Math.max(0, started + (n * DURATION_MS) / ORDERS - Date.now()));
      const addr = address(s);
      let productId = n % 5 === 0 ? scarce[n % scarce.length]! : plenty[n % plenty.length]!;
      let added = await client.send("POST", "/api/v1/cart/items", { token: tokens[s], address: addr, body: { productId, quantity: 1 + (n % 2) } });
      if (added.status === 409) {
        // That product's stock is gone: take another, as a shopper would.
        productId = plenty[n % plenty.length]!;
        added = await client.send("POST", "/api/v1/cart/items", { token: tokens[s], address: addr, body: { productId, quantity: 1 } });
      }
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      const key = randomUUID();
      const order = await client.send<{ id: string }>("POST", "/api/v1/orders", { token: tokens[s], address: addr, body: { shipTo: SHIP_TO }, idempotencyKey: key });
      expect([200, 201], JSON.stringify(order.body)).toContain(order.status);
      placed.push({ key, orderId: order.body.id, shopper: s, at: Date.now() });
    }
  };
  await Promise.all([...shoppers.map((_, s) => place(s)), brokerFault(), workerFault(), webFault()]);
  const placedBy = Date.now();
  figures.placing = { orders: placed.length, seconds: (placedBy - started) / 1000, shoppers: SHOPPERS };

  // ---- drained: every order decided, every email sent, every event relayed, no lag --------------
  const orderIds = placed.map((p) => p.orderId);
  // The lag the workers report to Prometheus, read the same way (lib/infrastructure/kafka/consumer-lag.ts).
  const lagOf = async (group: string) => {
    let lag = 0;
    const sum = { set: (_labels: unknown, value: number) => void (lag += value), reset: () => void (lag = 0) } as unknown as Gauge;
    await collectConsumerLag(admin, [{ group: prefix + group, topics: GROUP_TOPICS[group]!.map((t) => prefix + t) }], sum);
    return lag;
  };
  let state = {};
  await eventually(
    async () => {
      const { rows } = await pool.query<{ open: number; unsent: number; emails: number }>(
        `SELECT (SELECT count(*)::int FROM orders WHERE status = 'pending') AS open,
                (SELECT count(*)::int FROM outbox_events WHERE sent_at IS NULL) AS unsent,
                (SELECT count(*)::int FROM outgoing_emails WHERE status <> 'sent') AS emails`,
      );
      const r = rows[0]!;
      const lag = { inventory: await lagOf(INVENTORY_GROUP).catch(() => -1), notifications: await lagOf(NOTIFICATIONS_GROUP).catch(() => -1) };
      state = { ...r, lag };
      return r.open + r.unsent + r.emails === 0 && lag.inventory === 0 && lag.notifications === 0 ? true : undefined;
    },
    180_000,
    "every order decided, every email sent, lag 0",
    250,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; last seen: ${JSON.stringify(state)}`);
  });
  figures.drainedAfterLastOrderMs = Date.now() - placedBy;
  figures.faults = faults;

  // ---- placed exactly once ------------------------------------------------------------------------
  expect(placed).toHaveLength(ORDERS);
  expect(new Set(orderIds).size).toBe(ORDERS);
  const { rows: orders } = await pool.query<{ id: string; status: string; reason: string | null; lines: number; reservations: number; releases: number; decided: Date; created: Date }>(
    `SELECT o.id, o.status, o.cancellation_reason AS reason, o.created_at AS created,
            (SELECT count(DISTINCT l.variant_id)::int FROM order_items l WHERE l.order_id = o.id) AS lines,
            (SELECT count(*)::int FROM stock_movements m WHERE m.order_id = o.id AND m.reason = 'reservation') AS reservations,
            (SELECT count(*)::int FROM stock_movements m WHERE m.order_id = o.id AND m.reason <> 'reservation') AS releases,
            (SELECT min(c.created_at) FROM order_status_changes c WHERE c.order_id = o.id AND c.status IN ('stock_reserved', 'cancelled')) AS decided
     FROM orders o`,
  );
  // No order the shoppers did not get an answer for (a second order from a retried request).
  expect(orders.map((o) => o.id).sort()).toEqual([...orderIds].sort());

  // ---- reserved or rejected exactly once --------------------------------------------------------
  const reserved = orders.filter((o) => o.status === "stock_reserved");
  const rejected = orders.filter((o) => o.status === "cancelled" && o.reason === "out_of_stock");
  expect(reserved.length + rejected.length).toBe(ORDERS);
  expect(reserved.filter((o) => o.reservations !== o.lines || o.releases !== 0)).toEqual([]);
  expect(rejected.filter((o) => o.reservations !== 0 || o.releases !== 0)).toEqual([]);

  // ---- stock equals its ledger; the scarce products sold out, never below zero --------------------
  // Per variant, the unit of stock (each of the drill's products is sold in one).
  const { rows: stock } = await pool.query<{ id: string; product_id: string; stock: number; ledger: number; sold: number }>(
    `SELECT v.id, v.product_id, v.stock, (SELECT sum(m.delta)::int FROM stock_movements m WHERE m.variant_id = v.id) AS ledger,
            COALESCE((SELECT sum(i.quantity)::int FROM order_items i JOIN orders o ON o.id = i.order_id WHERE i.variant_id = v.id AND o.status = 'stock_reserved'), 0) AS sold
     FROM product_variants v`,
  );
  expect(stock.filter((v) => v.stock !== v.ledger)).toEqual([]);
  const scarceVariants = stock.filter((s) => scarce.includes(s.product_id));
  expect(scarceVariants).toHaveLength(scarce.length);
  for (const v of scarceVariants) expect(v.stock + v.sold).toBe(scarceStock);

  // ---- one confirmation per order -----------------------------------------------------------------
  const { rows: emails } = await pool.query<{ order_id: string; message_id: string; in_doubt: number; n: number }>(
    `SELECT e.aggregate_id AS order_id, m.message_id, m.in_doubt_attempts AS in_doubt, count(*) OVER (PARTITION BY e.aggregate_id)::int AS n
     FROM outgoing_emails m JOIN outbox_events e ON e.id = m.event_id
     WHERE m.kind = 'order_confirmation'`,
  );
  expect(emails).toHaveLength(ORDERS);
  expect(emails.filter((e) => e.n !== 1)).toEqual([]);
  const copies = new Map<string, number>();
  for (const m of world.sink.messages) if (m.messageId) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
  const unexplained = emails.filter((e) => (copies.get(e.message_id) ?? 0) < 1 || (copies.get(e.message_id) ?? 0) - 1 > e.in_doubt);
  expect(unexplained).toEqual([]);
  const transmissions = emails.reduce((s, e) => s + (copies.get(e.message_id) ?? 0), 0);
  figures.emails = { confirmations: emails.length, smtpTransmissions: transmissions, inDoubtResends: emails.reduce((s, e) => s + e.in_doubt, 0) };

  // ---- no event lost: each outbox event is on its topic; copies counted -------------------------------
  const { rows: outbox } = await pool.query<{ id: string; type: string }>(`SELECT id::text, type FROM outbox_events`);
  const onTopics = await readEventIds(world, outbox.map((e) => e.type));
  const missing = outbox.filter((e) => !onTopics.has(e.id));
  expect(missing).toEqual([]);
  const duplicated = [...onTopics.values()].filter((n) => n > 1).length;
  // Copies come from batches the relay sent again after the broker did not confirm them (a leader
  // died mid-request) or after the relay's worker died before recording them; consumers skip them.
  const extraCopies = [...onTopics.values()].reduce((s, n) => s + n - 1, 0);
  figures.events = { outbox: outbox.length, onTopics: onTopics.size, eventsSentMoreThanOnce: duplicated, extraCopies };

  // ---- 5xx only while the killed web instance was down ------------------------------------------------
  const web = windows.find((w) => w.name === "web")!;
  const failed = client.log.filter((x) => x.status === 0 || x.status >= 500);
  const outside = failed.filter((x) => x.at < web.from || x.at > web.to + 2_000);
  const slowest = client.log.reduce((m, x) => (x.ms > m.ms ? x : m), client.log[0]!);
  figures.failedRequests = { total: failed.length, duringWebDeath: failed.length - outside.length, outside: outside.length, requests: client.log.length };
  figures.slowestRequest = { ms: slowest.ms, method: slowest.method, path: slowest.path, attempt: slowest.attempt, status: slowest.status };
  expect(outside).toEqual([]);

  // ---- order → decided latency before, during and after the faults -------------------------------------
  const first = Math.min(...windows.map((w) => w.from));
  const last = Math.max(...windows.map((w) => w.to));
  const phase = (t: number) => (t < first ? "before" : windows.some((w) => t >= w.from && t <= w.to + 5_000) ? "during" : t > last + 5_000 ? "after" : "between");
  const byPhase: Record<string, number[]> = {};
  for (const o of orders) (byPhase[phase(o.created.getTime())] ??= []).push(o.decided.getTime() - o.created.getTime());
  const pct = (xs: number[], q: number) => xs.sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
  figures.orderToDecidedMs = Object.fromEntries(
    Object.entries(byPhase).map(([k, xs]) => [k, { orders: xs.length, p50: pct(xs, 0.5), p95: pct(xs, 0.95), max: pct(xs, 1) }]),
  );
  figures.outcomes = { reserved: reserved.length, rejectedOutOfStock: rejected.length, duplicateOrders: orders.length - new Set(orderIds).size };
}, 600_000);

/** How many copies of each event id are on the drill's topics (read from the beginning by a group of its own). */
async function readEventIds(w: ScaleWorld, types: string[]): Promise<Map<string, number>> {
  const topics = [...new Set(types)].map((t) => w.prefix + t);
  const ends = new Map<string, number>();
  let remaining = 0;
  for (const topic of topics) {
    for (const p of await w.admin.fetchTopicOffsets(topic)) {
      const end = Number(p.high);
      if (end > 0) {
        ends.set(`${topic}/${p.partition}`, end);
        remaining++;
      }
    }
  }
  const seen = new Map<string, number>();
  const consumer = w.kafka.consumer({ groupId: `${w.prefix}drill-reader-${randomUUID().slice(0, 6)}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  if (remaining === 0) done();
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const id = message.headers?.["event-id"]?.toString();
      if (id) seen.set(id, (seen.get(id) ?? 0) + 1);
      const key = `${topic}/${partition}`;
      if (Number(message.offset) + 1 === ends.get(key)) {
        ends.delete(key);
        if (--remaining === 0) done();
      }
    },
  });
  await Promise.race([finished, sleep(60_000).then(() => Promise.reject(new Error(`topics not read to their end: ${[...ends.keys()].join(", ")}`)))]);
  await consumer.disconnect();
  return seen;
}
