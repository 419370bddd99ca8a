/**
 * npm run bench: measures a running shop (it starts nothing) and prints one
 * table, each row also as a ratio to the framework's own ceiling measured in
 * the same run: the API's liveness route (/api/v1/health: handle() with
 * nothing to count, check or read) for dynamic routes and a static file route
 * (/robots.txt) for pages. Results go to .local/bench/*.json. Until issue 16 the
 * dynamic ceiling was /api/health, a bare handler without handle().
 *
 *   BENCH_URL          the shop (default http://127.0.0.1:3000)
 *   BENCH_DURATION_S   seconds per load row (default 15; BENCH_SMOKE=1: 2)
 *   BENCH_CONNECTIONS  concurrent connections per load row (default 32)
 *   BENCH_WARMUP_S     seconds of the same load before each load row, not counted (default 3; smoke: 1),
 *                      so no row (the ceilings are the first) is measured on code not yet optimised
 *   BENCH_SHOPPERS     shoppers placing one order each on the hot product (default 120)
 *   BENCH_CONCURRENCY  orders placed (and paid) at once (default 50)
 *   DATABASE_URL       the shop's database, read-only here: placed → reserved latency
 *   BENCH_STEADY_S     seconds of orders placed at half the burst's rate (default 10; BENCH_SMOKE=1: 3)
 *   BENCH_LIGHTHOUSE_RUNS  Lighthouse runs per page, the median reported (default 3; BENCH_SMOKE=1: 1);
 *                      Lighthouse is a group of its own for BENCH_ONLY, in the default run too
 *   CHROME_PATH        the Chromium Lighthouse drives (default CHROMIUM_PATH, else /usr/bin/chromium)
 *   BENCH_WEB_PID / BENCH_WORKER_PID   for RSS (default: whoever listens on the web port / 9464)
 *   BENCH_ONLY         comma-separated groups to run besides the ceilings: pages, api, cart, orders, drain (default all)
 *   BENCH_DRAIN_ORDERS the drain row's backlog of order.created events (default 5000; smoke 300): the
 *                      worker's drain rate, see scripts/bench/drain.ts for its other knobs
 *
 * Every request carries its own client address (X-Forwarded-For), as behind a
 * load balancer, so per-address limits see many clients: start the shop with
 * TRUSTED_PROXY_HOPS=1 (it believes the header's right-most entry; with 0 every
 * request counts for 127.0.0.1) and REGISTRATION_LIMIT_PER_IP_PER_HOUR and
 * REGISTRATION_LIMIT_PER_MINUTE high enough for the shoppers it registers. On a 2-core machine
 * the load generator competes with the shop: compare ratios, not req/s.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { drainRow } from "./drain";
import { lighthouseScores, type LighthouseScore } from "./lighthouse";

const BASE = (process.env.BENCH_URL ?? "http://127.0.0.1:3000").replace(/\/$/, "");
const SMOKE = process.env.BENCH_SMOKE === "1";
const DURATION = Number(process.env.BENCH_DURATION_S ?? (SMOKE ? 2 : 15));
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? (SMOKE ? 8 : 32));
const WARMUP_S = Number(process.env.BENCH_WARMUP_S ?? (SMOKE ? 1 : 3));
const SHOPPERS = Number(process.env.BENCH_SHOPPERS ?? (SMOKE ? 10 : 120));
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? (SMOKE ? 5 : 50));
const DATABASE_URL = process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/storefront";
const ONLY = new Set((process.env.BENCH_ONLY ?? "pages,api,cart,orders,drain").split(",").map((g) => g.trim()));
const LIGHTHOUSE = !process.env.BENCH_ONLY || ONLY.has("lighthouse");
const STEADY_S = Number(process.env.BENCH_STEADY_S ?? (SMOKE ? 3 : 10));
const LIGHTHOUSE_RUNS = Number(process.env.BENCH_LIGHTHOUSE_RUNS ?? (SMOKE ? 1 : 3));
const SHIP_TO = { name: "Bench Shopper", line1: "1 Load Street", line2: null, city: "Springfield", postalCode: "12345", country: "US" };

interface Row {
  name: string;
  /** Requests (or orders) per second. */
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Which ceiling the ratio is taken against. */
  against?: "dynamic" | "static";
  ratio?: number;
  note?: string;
}

const rows: Row[] = [];
let lighthouse: LighthouseScore[] = [];
let clientCounter = 0;
/** A client address per request: 10.x.y.z, never the same twice in a row. */
const nextAddress = () => {
  const n = clientCounter++;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
};

async function load(name: string, pathname: string, options: { headers?: () => Record<string, string>; method?: "GET" | "POST"; body?: () => string; against?: Row["against"] } = {}) {
  const run = (duration: number) =>
    autocannon({
      url: BASE,
      connections: CONNECTIONS,
      duration,
      requests: [
        {
          method: options.method ?? "GET",
          path: pathname,
          setupRequest: (req) => ({
            ...req,
            headers: { ...req.headers, "x-forwarded-for": nextAddress(), ...(options.headers?.() ?? {}), ...(options.body ? { "content-type": "application/json" } : {}) },
            ...(options.body ? { body: options.body() } : {}),
          }),
        },
      ],
    });
  if (WARMUP_S > 0) await run(WARMUP_S);
  const result = await run(DURATION);
  const errors = result.errors + result.timeouts + result.non2xx;
  const row: Row = { name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors, against: options.against };
  rows.push(row);
  console.error(`  ${name}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, errors ${errors}`);
  return row;
}

async function api<T>(method: string, pathname: string, init: { token?: string; body?: unknown; key?: string } = {}): Promise<{ status: number; body: T; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${BASE}/api/v1${pathname}`, {
    method,
    headers: {
      "x-forwarded-for": nextAddress(),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(init.key ? { "idempotency-key": init.key } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, ms: performance.now() - started };
}

/** Runs `work` over `items`, `parallel` at a time; returns each item's latency and whether it succeeded. */
async function pool<T>(items: T[], parallel: number, work: (item: T) => Promise<boolean>) {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        const t = performance.now();
        const ok = await work(item).catch(() => false);
        latencies.push(performance.now() - t);
        if (!ok) errors++;
      }
    }),
  );
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!);
};

/** Resident memory of a process, in MB, from /proc. */
function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

/** The pid listening on a TCP port (ss from iproute2), for RSS. */
function listener(port: number): number | undefined {
  try {
    const out = execFileSync("ss", ["-ltnpH", `sport = :${port}`], { encoding: "utf8" });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function main() {
  console.error(`bench against ${BASE}: ${DURATION} s per row, ${CONNECTIONS} connections${SMOKE ? " (smoke)" : ""}`);
  const products = await listProducts();
  if (products.status !== 200 || products.body.items.length === 0) throw new Error(`GET /api/v1/products answered ${products.status}: is the shop running and seeded?`);
  // The hot product: the one with the most stock (every run uses some up; re-seeding does not restock: /admin/stock does).
  const product = [...products.body.items].sort((a, b) => b.stock - a.stock)[0]!;
  if (ONLY.has("orders") && product.stock < SHOPPERS / 2) console.error(`  note: the hot product has ${product.stock} in stock for ${SHOPPERS} shoppers`);
  const categoryList = (await api<{ items: { slug: string }[] }>("GET", "/categories")).body?.items ?? [];
  const word = product.name.split(/\s+/)[0]!.toLowerCase();

  // The framework's ceilings, in this run.
  const dynamicCeiling = await load("ceiling: liveness /api/v1/health", "/api/v1/health");
  const staticCeiling = await load("ceiling: static /robots.txt", "/robots.txt");

  if (ONLY.has("pages")) {
    await load("page: catalog /", "/", { against: "static" });
    if (categoryList[0]) await load("page: category", `/categories/${categoryList[0].slug}`, { against: "static" });
    await load("page: search", `/?q=${encodeURIComponent(word)}`, { against: "static" });
    await load("page: product", `/products/${product.slug}`, { against: "static" });
    await cartPageRow(products.body.items.filter((p) => p.id !== product.id && p.stock >= 50));
  }
  // Before the order rows, whose emails and events keep the worker busy for a while.
  if (LIGHTHOUSE) {
    // One run takes ~20 s on a 2-core machine: smoke mode (one run each) adds ~40 s.
    const pages = [{ page: "catalog /", url: `${BASE}/` }, { page: "product", url: `${BASE}/products/${product.slug}` }];
    lighthouse = await lighthouseScores(pages, LIGHTHOUSE_RUNS, (line) => console.error(line));
  }
  if (ONLY.has("api")) {
    await load("api: product list", "/api/v1/products?limit=24", { against: "dynamic" });
    await load("api: product by slug", `/api/v1/products/${product.slug}`, { against: "dynamic" });
    await load("api: search", `/api/v1/products?q=${encodeURIComponent(word)}&limit=24`, { against: "dynamic" });
  }
  if (ONLY.has("cart")) await cartRow(products.body.items.filter((p) => p.id !== product.id && p.stock >= 50));
  if (ONLY.has("orders")) await orderRows(product);
  if (ONLY.has("drain")) rows.push(await drainRow({ databaseUrl: DATABASE_URL, smoke: SMOKE }));

  const webPid = Number(process.env.BENCH_WEB_PID) || listener(Number(new URL(BASE).port || 80));
  const workerPid = Number(process.env.BENCH_WORKER_PID) || listener(Number(process.env.WORKER_HTTP_PORT ?? 9464));

  for (const row of rows) {
    const ceiling = row.against === "static" ? staticCeiling : row.against === "dynamic" ? dynamicCeiling : null;
    if (ceiling && ceiling.rps > 0) row.ratio = row.rps / ceiling.rps;
  }
  const memory = { webRssMb: rssMb(webPid), workerRssMb: rssMb(workerPid) };
  printTable(memory);
  if (lighthouse.length > 0) printLighthouse();
  const dir = path.join(process.cwd(), ".local", "bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), base: BASE, durationS: DURATION, connections: CONNECTIONS, smoke: SMOKE, rows, memory, lighthouse }, null, 2));
  console.log(`\nwritten to ${path.relative(process.cwd(), file)}`);
}

/** Cart add: each request one shopper's token (per-user limits see many users), one unit of another product each time, so no line reaches its cap. */
async function cartRow(others: { id: string }[]) {
  if (others.length === 0) throw new Error("no product with 50 or more in stock to fill carts with: seed the shop (npm run db:seed)");
  const cartTokens = await signUp(SMOKE ? 4 : 40, "cart");
  let turn = 0;
  await load("api: cart add", "/api/v1/cart/items", {
    method: "POST",
    against: "dynamic",
    headers: () => ({ authorization: `Bearer ${cartTokens[turn % cartTokens.length]}`, "idempotency-key": randomUUID() }),
    body: () => JSON.stringify({ productId: others[Math.floor(turn++ / cartTokens.length) % others.length]!.id, quantity: 1 }),
  });
}

/**
 * Shoppers each with one unit of the hot product place their orders at once,
 * then pay the reserved ones; then the steady row, at half the rate reached here.
 */
async function orderRows(product: { id: string }) {
  const tokens = await signUp(SHOPPERS, "order");
  await pool(tokens, 8, async (token) => (await api("POST", "/cart/items", { token, key: randomUUID(), body: { productId: product.id, quantity: 1 } })).status === 201);

  // Place order: every shopper at once (CONCURRENCY at a time) on one hot product.
  const placed: { token: string; orderId: string }[] = [];
  const placing = await pool(tokens, CONCURRENCY, async (token) => {
    const res = await api<{ id: string }>("POST", "/orders", { token, key: randomUUID(), body: { shipTo: SHIP_TO } });
    if (res.status === 201 || res.status === 200) placed.push({ token, orderId: res.body.id });
    return res.status === 201 || res.status === 200;
  });
  rows.push({
    name: `place order (${tokens.length} shoppers, ${CONCURRENCY} at once, one product)`,
    rps: tokens.length / placing.seconds,
    p50: percentile(placing.latencies, 50),
    p99: percentile(placing.latencies, 99),
    errors: placing.errors,
    against: "dynamic",
  });

  // Placed → reserved (or refused for want of stock), from the database's own timestamps.
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const ids = placed.map((p) => p.orderId);
  const settled = await settleTimes(db, ids);
  const reserveMs = settled.map((r) => r.ms);
  rows.push({
    name: "order placed → reserved or refused (during the burst)",
    rps: 0,
    p50: percentile(reserveMs, 50),
    p99: percentile(reserveMs, 99),
    errors: ids.length - settled.length,
    note: `max ${percentile(reserveMs, 100)} ms`,
  });

  // Pay every reserved order, CONCURRENCY at a time (includes the processor's latency).
  const { rows: reserved } = await db.query<{ id: string }>(`SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status = 'stock_reserved'`, [ids]);
  const reservedIds = new Set(reserved.map((r) => r.id));
  const paying = await pool(
    placed.filter((p) => reservedIds.has(p.orderId)),
    CONCURRENCY,
    async (p) => (await api("POST", `/orders/${p.orderId}/pay`, { token: p.token, key: randomUUID(), body: { cardNumber: "4242424242424242" } })).status === 200,
  );
  rows.push({
    name: `pay order (${reservedIds.size} orders, ${CONCURRENCY} at once)`,
    rps: reservedIds.size / paying.seconds,
    p50: percentile(paying.latencies, 50),
    p99: percentile(paying.latencies, 99),
    errors: paying.errors,
    against: "dynamic",
    note: "includes the processor's answer time (PAYMENTS_FAKE_LATENCY_MS on the shop)",
  });
  await db.end();
  await steadyOrderRow(tokens.length / placing.seconds);
}

/**
 * How long each order took from placed to reserved (or refused for want of
 * stock), from the database's own timestamps; waits up to two minutes for the
 * worker to settle them all, and returns those it did.
 */
async function settleTimes(db: pg.Client, ids: string[]): Promise<{ status: string; ms: number }[]> {
  const deadline = Date.now() + 120_000;
  let settled: { status: string; ms: number }[] = [];
  while (Date.now() < deadline) {
    settled = (
      await db.query<{ status: string; ms: number }>(
        `SELECT DISTINCT ON (o.id) c.status, extract(epoch FROM (c.created_at - o.created_at)) * 1000 AS ms
         FROM orders o JOIN order_status_changes c ON c.order_id = o.id AND c.status IN ('stock_reserved', 'cancelled')
         WHERE o.id = ANY($1::uuid[])
         ORDER BY o.id, c.created_at`,
        [ids],
      )
    ).rows.map((r) => ({ status: r.status, ms: Number(r.ms) }));
    if (settled.length >= ids.length) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return settled;
}

/**
 * Placed → reserved when the shop is not saturated: new shoppers place orders
 * open-loop at half the rate the burst reached (one started every 1/rate s
 * whether or not the previous ones have answered, as independent shoppers
 * would), each for one unit taken from the best-stocked products, so every
 * order should be reserved; a refusal or an order never settled counts as an error.
 */
async function steadyOrderRow(maxRate: number) {
  const rate = maxRate / 2;
  const count = Math.max(2, Math.round(rate * STEADY_S));
  // Stock as the burst left it. Units come from the best-stocked product until
  // it has none left, then the next: one product where its stock allows.
  const stocked = (await listProducts()).body.items.filter((p) => p.stock > 0).sort((a, b) => b.stock - a.stock);
  const units = stocked.flatMap((p) => Array<string>(p.stock).fill(p.id)).slice(0, count);
  if (units.length < count) throw new Error(`${count} units of stock are needed for the steady order row, the catalog's first page has ${units.length}: restock in the back office (/admin/stock) or bench a freshly seeded database`);
  const products = new Set(units).size;
  const tokens = await signUp(count, "steady");
  const carts = await pool(tokens.map((token, i) => ({ token, productId: units[i]! })), 8, async ({ token, productId }) => (await api("POST", "/cart/items", { token, key: randomUUID(), body: { productId, quantity: 1 } })).status === 201);
  if (carts.errors > 0) throw new Error(`${carts.errors} of ${count} steady shoppers could not fill their carts`);

  const interval = 1000 / rate;
  const started = performance.now();
  let lateMs = 0;
  const placed = await Promise.all(
    tokens.map(async (token, i) => {
      const due = started + i * interval;
      await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
      lateMs = Math.max(lateMs, performance.now() - due);
      const res = await api<{ id: string }>("POST", "/orders", { token, key: randomUUID(), body: { shipTo: SHIP_TO } }).catch(() => null);
      return res && (res.status === 201 || res.status === 200) ? res.body.id : null;
    }),
  );
  const ids = placed.filter((id): id is string => id !== null);
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const settled = await settleTimes(db, ids).finally(() => db.end());
  const reserveMs = settled.filter((s) => s.status === "stock_reserved").map((s) => s.ms);
  rows.push({
    name: `order placed → reserved at 50 % of max rate (${rate.toFixed(1)}/s)`,
    rps: rate,
    p50: percentile(reserveMs, 50),
    p99: percentile(reserveMs, 99),
    errors: count - reserveMs.length,
    note: `max ${percentile(reserveMs, 100)} ms; ${count} orders over ${products} product${products === 1 ? "" : "s"} in ${STEADY_S} s, started up to ${Math.round(lateMs)} ms late`,
  });
  console.error(`  steady orders at ${rate.toFixed(1)}/s: placed ${ids.length} of ${count}, reserved ${reserveMs.length}, p50 ${percentile(reserveMs, 50)} ms, p99 ${percentile(reserveMs, 99)} ms`);
}

/** Registers `count` shoppers and returns their access tokens. */
async function signUp(count: number, label: string): Promise<string[]> {
  return (await registerShoppers(count, label)).map((s) => s.token);
}

/** Registers `count` shoppers through the API; each with their password and an access token. */
async function registerShoppers(count: number, label: string): Promise<{ email: string; password: string; token: string }[]> {
  const password = `bench-password-${randomUUID()}`;
  const run = randomUUID().slice(0, 8);
  const shoppers: { email: string; password: string; token: string }[] = [];
  const { errors } = await pool(Array.from({ length: count }, (_, i) => i), 8, async (i) => {
    const email = `bench-${label}-${run}-${i}@example.com`;
    const reg = await api("POST", "/auth/register", { body: { email, name: `Bench ${i}`, password } });
    // 202 for a new email and a taken one alike (ADR 014); 429: the shop's registration limits (see the header).
    if (reg.status !== 202) throw new Error(`register answered ${reg.status}${reg.status === 429 ? ": raise REGISTRATION_LIMIT_PER_IP_PER_HOUR on the shop" : ""}`);
    const tok = await api<{ accessToken: string }>("POST", "/auth/token", { body: { email, password } });
    if (tok.status !== 200) throw new Error(`token answered ${tok.status}`);
    shoppers.push({ email, password, token: tok.body.accessToken });
    return true;
  });
  if (errors > 0) throw new Error(`${errors} of ${count} shoppers could not be set up`);
  return shoppers;
}

/**
 * Cart page as a signed-in shopper sees it: shoppers signed in through
 * next-auth's credentials callback (what the sign-in form's signIn() does), their
 * session cookies taken in turn, each cart holding one or two lines.
 */
async function cartPageRow(others: { id: string; slug: string }[]) {
  if (others.length < 2) throw new Error("fewer than two products with 50 or more in stock to fill carts with: seed the shop (npm run db:seed)");
  const shoppers = await registerShoppers(SMOKE ? 4 : 20, "cart-page");
  const signedIn = await Promise.all(
    shoppers.map(async (s, i) => {
      const lines = i % 2 ? [others[i % others.length]!, others[(i + 1) % others.length]!] : [others[i % others.length]!];
      for (const p of lines) {
        const add = await api("POST", "/cart/items", { token: s.token, key: randomUUID(), body: { productId: p.id, quantity: 1 } });
        if (add.status !== 201) throw new Error(`adding to ${s.email}'s cart answered ${add.status}`);
      }
      return { email: s.email, slugs: lines.map((p) => p.slug), cookie: await sessionCookie(s.email, s.password) };
    }),
  );
  await Promise.all(signedIn.map(expectSignedInCart));
  let turn = 0;
  await load(`page: cart, signed in (${signedIn.length} shoppers)`, "/cart", { against: "static", headers: () => ({ cookie: signedIn[turn++ % signedIn.length]!.cookie }) });
  // Still their carts afterwards: a session that lapsed mid-run would have measured the guest page.
  await Promise.all(signedIn.map(expectSignedInCart));
}

/** Signs in through next-auth's CSRF-protected credentials callback; returns the session cookie(s) it sets. */
async function sessionCookie(email: string, password: string): Promise<string> {
  // One address for both requests: next-auth ties nothing to it, but the sign-in throttle counts per address.
  const address = nextAddress();
  const csrf = await fetch(`${BASE}/api/auth/csrf`, { headers: { "x-forwarded-for": address } });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "x-forwarded-for": address, "content-type": "application/x-www-form-urlencoded", cookie: cookiePairs(csrf).join("; ") },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${BASE}/cart` }),
  });
  const session = cookiePairs(res).filter((c) => /^(__Secure-)?authjs\.session-token(\.\d+)?=/.test(c));
  if (session.length === 0) throw new Error(`signing ${email} in answered ${res.status} (to ${res.headers.get("location")}) without a session cookie`);
  return session.join("; ");
}

/** name=value of each cookie a response sets. */
const cookiePairs = (res: Response) => res.headers.getSetCookie().map((c) => c.split(";")[0]!);

/**
 * Fails unless /cart with this cookie is the shopper's own signed-in cart: a link to each of
 * their lines and the way to checkout a signed-in shopper gets (a guest's goes through sign-in).
 * The header's address is not in the page (the browser asks /api/header), so that is checked there.
 */
async function expectSignedInCart(shopper: { email: string; slugs: string[]; cookie: string }) {
  const header = await fetch(`${BASE}/api/header`, { headers: { cookie: shopper.cookie, "x-forwarded-for": nextAddress() } });
  const who = ((await header.json()) as { user: { email: string } | null }).user?.email;
  if (who !== shopper.email) throw new Error(`/api/header with ${shopper.email}'s session cookie says ${who ?? "nobody"} is signed in`);
  const res = await fetch(`${BASE}/cart`, { headers: { cookie: shopper.cookie, "x-forwarded-for": nextAddress() } });
  const html = await res.text();
  const missing = ['href="/checkout"', ...shopper.slugs.map((slug) => `href="/products/${slug}"`)].filter((s) => !html.includes(s));
  if (res.status !== 200 || missing.length > 0) throw new Error(`/cart with ${shopper.email}'s session cookie answered ${res.status} without ${missing.join(", ")}: not their signed-in cart`);
}

/** The catalog's first page, with stock. */
/**
 * The catalog's first 48 products that are sold in one variant (ADR 016): the
 * rows add products to carts by id alone, as a shopper adds a product without
 * options. Products with options are asked for their variants, one GET each.
 */
async function listProducts() {
  const list = await api<{ items: { id: string; slug: string; name: string; stock: number }[] }>("GET", "/products?limit=48");
  if (list.status !== 200 || !list.body) return list;
  const single = await Promise.all(
    // A shop from before variants lists none: each of its products is sold in one.
    list.body.items.map(async (p) => ((await api<{ variants?: unknown[] }>("GET", `/products/${p.id}`)).body?.variants?.length ?? 1) === 1),
  );
  return { ...list, body: { ...list.body, items: list.body.items.filter((_, i) => single[i]) } };
}

function printTable(memory: { webRssMb: number | null; workerRssMb: number | null }) {
  const header = ["What", "req/s", "p50 ms", "p99 ms", "errors", "ratio"];
  const body = rows.map((r) => [
    r.name + (r.note ? ` (${r.note})` : ""),
    r.rps ? r.rps.toFixed(r.rps < 100 ? 1 : 0) : "—",
    String(r.p50),
    String(r.p99),
    String(r.errors),
    r.ratio === undefined ? (r.name.startsWith("ceiling") ? "ceiling" : "—") : `${(r.ratio * 100).toFixed(0)} % of ${r.against === "static" ? "static" : "trivial route"}`,
  ]);
  body.push([`RSS: web ${memory.webRssMb ?? "?"} MB, worker ${memory.workerRssMb ?? "?"} MB`, "", "", "", "", ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const b of body) console.log(line(b));
}

function printLighthouse() {
  const header = ["Lighthouse (mobile)", "performance", "TBT ms", "LCP ms", "CLS"];
  const body = lighthouse.map((l) => [`${l.page} (median of ${l.runs})`, String(l.performance), String(l.tbtMs), String(l.lcpMs), String(l.cls)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const b of body) console.log(line(b));
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
