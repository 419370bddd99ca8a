/**
 * Walks every back-office entry point of the built app — pages, route
 * handlers and server actions, read from the build's own manifests so a new
 * one cannot be forgotten — as an anonymous visitor and as a signed-in
 * customer, and proves each is refused and that nothing in the database
 * changed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext } from "./fixtures";
import pg from "pg";
import { registerShopper } from "./support";

const DIST = path.resolve(process.env.NEXT_DIST_DIR ?? ".next");
const BASE = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";

// React's own encoder for server action arguments, as the browser's Next
// runtime sends them (the same copy Next bundles).
const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.edge.js") as {
  encodeReply: (value: unknown) => Promise<FormData | string>;
};

interface ActionEntry {
  workers: Record<string, unknown>;
}

/** "/admin/products/[id]/page" → "/admin/products/[id]" for every admin page and route handler of the build. */
function entryPoints() {
  const manifest = JSON.parse(readFileSync(path.join(DIST, "app-path-routes-manifest.json"), "utf8")) as Record<string, string>;
  const all = Object.entries(manifest);
  const isAdmin = (p: string) => p === "/admin" || p.startsWith("/admin/") || p.startsWith("/api/admin/") || p.startsWith("/api/v1/admin/");
  return {
    pages: all.filter(([k, p]) => k.endsWith("/page") && isAdmin(p)).map(([, p]) => p),
    routes: all.filter(([k, p]) => k.endsWith("/route") && isAdmin(p)).map(([, p]) => p),
  };
}

/** Server actions reachable only from admin pages (the layout's sign-out, used everywhere, is not one). */
function adminActions(): { id: string; page: string }[] {
  const manifest = JSON.parse(readFileSync(path.join(DIST, "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, ActionEntry>;
  };
  const routes = JSON.parse(readFileSync(path.join(DIST, "app-path-routes-manifest.json"), "utf8")) as Record<string, string>;
  const out = [];
  for (const [id, entry] of Object.entries(manifest.node)) {
    const workers = Object.keys(entry.workers).map((w) => w.replace(/^app/, ""));
    const pages = workers.map((w) => routes[w]).filter((p): p is string => typeof p === "string");
    if (pages.length > 0 && pages.every((p) => p === "/admin" || p.startsWith("/admin/"))) out.push({ id, page: pages[0]! });
  }
  return out;
}

let db: pg.Pool;
let ids: Record<string, string>;

/**
 * Fingerprints of everything a back-office action could change. The worker
 * keeps running during the test (reservations of earlier journeys expire,
 * events are relayed), so what only it changes (stock moved by orders, order
 * statuses it sets, outbox sent marks) is left out; what only an admin can do
 * is compared in full.
 */
const FINGERPRINTS: Record<string, string> = {
  users: "SELECT id, email, name, role FROM users",
  products: "SELECT id, sku, slug, name, description, price_minor, image_url, archived_at, version FROM products",
  // A variant's stock moves with orders (the worker); everything else on it only an admin changes.
  product_variants: "SELECT id, product_id, sku, price_override_minor, low_stock_threshold, position, archived_at, version FROM product_variants",
  product_options: "SELECT * FROM product_options",
  product_option_values: "SELECT * FROM product_option_values",
  variant_option_values: "SELECT * FROM variant_option_values",
  categories: "SELECT * FROM categories",
  product_categories: "SELECT * FROM product_categories",
  product_images: "SELECT * FROM product_images",
  stock_adjustments: "SELECT * FROM stock_movements WHERE reason IN ('opening', 'restock', 'correction', 'damage')",
  admin_order_changes: "SELECT id, status, tracking_reference FROM orders WHERE status IN ('shipped', 'completed') OR cancellation_reason = 'admin'",
  // Not the refund's state: the worker may make a cancellation's refund meanwhile.
  admin_refunds: "SELECT id, order_id, attempt_id, amount_minor, reason, actor_id, request_key FROM refunds",
  admin_timeline: "SELECT * FROM order_status_changes WHERE actor_id IS NOT NULL",
  admin_events: `SELECT id FROM outbox_events WHERE type IN ('order.shipped', 'order.completed')
                   OR (type = 'order.cancelled' AND payload->>'reason' = 'admin')
                   OR (type = 'inventory.updated' AND payload->>'reason' = 'adjustment')`,
};

async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, sql] of Object.entries(FINGERPRINTS)) {
    const { rows } = await db.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM (${sql}) t`,
    );
    out[name] = `${rows[0]!.n}:${rows[0]!.digest ?? ""}`;
  }
  return out;
}

function fill(route: string): string {
  return route.replace(/\[\[?\.{0,3}([^\]]+)\]\]?/g, (_, name: string) => ids[name] ?? ids.id!);
}

test.beforeAll(async () => {
  db = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const { rows } = await db.query<{ id: string; variant_id: string; order_id: string | null; user_id: string }>(
    `SELECT p.id, (SELECT v.id FROM product_variants v WHERE v.product_id = p.id ORDER BY v.position, v.id LIMIT 1) AS variant_id,
            (SELECT id FROM orders ORDER BY created_at LIMIT 1) AS order_id, (SELECT id FROM users ORDER BY created_at LIMIT 1) AS user_id
       FROM products p ORDER BY p.sku LIMIT 1`,
  );
  const row = rows[0]!;
  // Real ids, so a refusal cannot come from "no such thing" (the stock pages and inventory routes take a variant's id).
  ids = { id: row.id, productId: row.id, variantId: row.variant_id, orderId: row.order_id ?? row.id, userId: row.user_id, key: "x" };
});

test.afterAll(async () => {
  await db?.end();
});

/** What an admin form would send: every field any admin action reads, each plausible. */
function formFields(): Record<string, string> {
  return {
    id: ids.id!,
    productId: ids.productId!,
    variantId: ids.variantId!,
    orderId: ids.orderId!,
    userId: ids.userId!,
    role: "admin",
    expectedVersion: "0",
    version: "0",
    trackingReference: "TRACK-1",
    delta: "5",
    quantity: "5",
    reason: "restock",
    note: "not allowed",
    threshold: "3",
    name: "Sneaky Product",
    sku: "SNEAKY-1",
    slug: "sneaky-product",
    price: "10.00",
    amount: "1.00",
    requestKey: "6f1c1f5e-8f0a-4c1e-9a53-3f0d4c1b2a77",
    stock: "3",
    lowStockThreshold: "2",
    direction: "up",
  };
}

async function callAction(api: APIRequestContext, action: { id: string; page: string }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(formFields())) form.set(k, v);
  const body = await encodeReply([{ ok: false }, form]);
  if (typeof body === "string") throw new Error("expected a multipart reply for a FormData argument");
  return api.post(fill(action.page), {
    headers: { "next-action": action.id, accept: "text/x-component", origin: BASE },
    multipart: body,
    maxRedirects: 0,
  });
}

test("every back-office page, route handler and action refuses visitors and customers, and nothing changes", async ({ page }) => {
  test.setTimeout(180_000);
  const { pages, routes } = entryPoints();
  const actions = adminActions();
  // The build has a back office: these lists cannot be empty by accident.
  expect(pages).toEqual(expect.arrayContaining(["/admin", "/admin/products", "/admin/orders", "/admin/stock", "/admin/users"]));
  expect(actions.length).toBeGreaterThan(5);

  await registerShopper(page, "Curious Customer");
  const customer = page.request;
  const anonymous = await playwrightRequest.newContext({ baseURL: BASE });
  const before = await snapshot();

  for (const p of pages) {
    const url = fill(p);
    const anon = await anonymous.get(url, { maxRedirects: 0 });
    expect.soft([url, anon.status()], "anonymous page").toEqual([url, 307]);
    expect.soft(anon.headers()["location"] ?? "", `anonymous ${url} goes to sign-in`).toMatch(/^\/signin\?callbackUrl=/);
    const cust = await customer.get(url, { maxRedirects: 0 });
    expect.soft([url, cust.status()], "customer page").toEqual([url, 403]);
  }

  for (const r of routes) {
    const url = fill(r);
    for (const [who, api, expected] of [
      ["anonymous", anonymous, 401],
      ["customer", customer, 403],
    ] as const) {
      const statuses: number[] = [];
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        const res = await api.fetch(url, { method, headers: { origin: BASE }, maxRedirects: 0, multipart: method === "GET" ? undefined : formFields() });
        statuses.push(res.status());
      }
      // Each method is refused (or not served at all); at least one is served and refused.
      expect.soft(statuses.every((s) => s === expected || s === 405), `${who} ${url}: ${statuses.join(",")}`).toBe(true);
      expect.soft(statuses, `${who} ${url}`).toContain(expected);
    }
  }

  for (const action of actions) {
    const anon = await callAction(anonymous, action);
    // A redirect from an action the browser's runtime called comes as a header on a 200.
    expect.soft([action.page, anon.status()], `anonymous action ${action.id}`).toEqual([action.page, 200]);
    expect.soft(anon.headers()["x-action-redirect"] ?? "", `anonymous action ${action.id} goes to sign-in`).toMatch(/^\/signin\?callbackUrl=/);
    const cust = await callAction(customer, action);
    expect.soft([action.page, cust.status()], `customer action ${action.id}`).toEqual([action.page, 200]);
    expect.soft(await cust.text(), `customer action ${action.id} is refused`).toContain("You are not allowed to do that.");
  }

  expect(await snapshot()).toEqual(before);
  await anonymous.dispose();
  console.info(`refused as anonymous and as customer: ${pages.length} pages, ${routes.length} route handlers, ${actions.length} server actions`);
});
