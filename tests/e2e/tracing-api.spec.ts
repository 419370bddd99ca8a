import { randomUUID } from "node:crypto";
import { expect, test } from "./fixtures";
import { addToCart, openInStockProduct, registerShopper } from "./support";
import { checked } from "./api-contract";

// One checkout, one trace (ADR 013): the order placed over the API, read back
// from the real Zipkin server by the trace id the response carried, holds the
// web's POST, its database queries, the relay's publish, the inventory
// consumer's reservation and the confirmation email's SMTP send, linked
// parent to child across the Kafka hop. scripts/test.sh starts Zipkin and
// points the web and the worker at it. (Named *api.spec.ts: desktop project only.)

const ZIPKIN_URL = process.env.ZIPKIN_URL;
const METRICS_TOKEN = process.env.METRICS_TOKEN;
const WORKER_METRICS_URL = process.env.E2E_WORKER_METRICS_URL;
const SHIP_TO = { name: "Traced Shopper", line1: "1 Trace Street", line2: null, city: "Springfield", postalCode: "12345", country: "US" };

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

test.skip(!ZIPKIN_URL || !METRICS_TOKEN || !WORKER_METRICS_URL, "needs ZIPKIN_URL, METRICS_TOKEN and E2E_WORKER_METRICS_URL (scripts/test.sh sets them)");

/** One sample's value from Prometheus text (0 when the series is absent): `name{a="b",...}` with the labels in any order. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

test("a checkout's trace runs from the POST through the database, Kafka and the reservation to the email's SMTP send", async ({ page, baseURL }) => {
  await registerShopper(page, "Traced Shopper");
  const { slug } = await openInStockProduct(page, 0);
  await addToCart(page, slug, 1);
  const origin = new URL(baseURL!).origin;
  const scrape = async () => {
    const web = await fetch(`${origin}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(web.status).toBe(200);
    const worker = await fetch(WORKER_METRICS_URL!);
    expect(worker.status).toBe(200);
    return { web: await web.text(), worker: await worker.text() };
  };
  const before = await scrape();

  const placed = await checked(page.request).post("/api/v1/orders", { headers: { "idempotency-key": randomUUID(), origin }, data: { shipTo: SHIP_TO } });
  expect(placed.status()).toBe(201);
  const traceId = placed.headers()["x-trace-id"];
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);

  const has = (spans: ZipkinSpan[], service: string, name: RegExp) => spans.some((s) => s.localEndpoint?.serviceName === service && name.test(s.name));
  let spans: ZipkinSpan[] = [];
  await expect
    .poll(
      async () => {
        const res = await fetch(`${ZIPKIN_URL}/api/v2/trace/${traceId}`);
        spans = res.ok ? ((await res.json()) as ZipkinSpan[]) : [];
        return (
          has(spans, "storefront-web", /^post \/api\/v1\/orders$/i) &&
          has(spans, "storefront-worker", /^publish .*order\.created$/) &&
          has(spans, "storefront-worker", /^process .*order\.created$/) &&
          has(spans, "storefront-worker", /^smtp send$/)
        );
      },
      { timeout: 30_000, intervals: [500] },
    )
    .toBe(true);

  const byId = new Map(spans.map((s) => [s.id, s]));
  const ancestors = (span: ZipkinSpan): ZipkinSpan[] => {
    const chain: ZipkinSpan[] = [];
    for (let p = span.parentId ? byId.get(span.parentId) : undefined; p; p = p.parentId ? byId.get(p.parentId) : undefined) chain.push(p);
    return chain;
  };
  // The trace's root: the request wrapper's server span (Next.js's own "POST /api/v1/orders" span is its child).
  const post = spans.find((s) => s.localEndpoint?.serviceName === "storefront-web" && /^post \/api\/v1\/orders$/i.test(s.name) && !s.parentId)!;
  expect(post, "the POST's root span").toBeDefined();
  expect(post.kind).toBe("SERVER");
  expect(post.tags?.["http.response.status_code"]).toBe("201");

  // The database: Prisma's spans under the POST.
  const queries = spans.filter((s) => s.localEndpoint?.serviceName === "storefront-web" && s.name.startsWith("prisma:"));
  expect(queries.length).toBeGreaterThan(0);
  expect(queries.every((q) => ancestors(q).includes(post))).toBe(true);

  // The relay's publish continues the POST's trace (the outbox row kept its traceparent)...
  const publish = spans.find((s) => /^publish .*order\.created$/.test(s.name))!;
  expect(publish.kind).toBe("PRODUCER");
  expect(ancestors(publish)).toContain(post);
  // ...and the inventory consumer's span is the publish's child, across Kafka.
  const reserve = spans.find((s) => /^process .*order\.created$/.test(s.name) && /inventory/.test(s.tags?.["messaging.consumer.group.name"] ?? ""))!;
  expect(reserve, "the inventory consumer's span").toBeDefined();
  expect(reserve.kind).toBe("CONSUMER");
  expect(reserve.parentId).toBe(publish.id);
  expect(spans.some((s) => s.localEndpoint?.serviceName === "storefront-worker" && s.name.startsWith("prisma:") && s.parentId && ancestors(s).includes(reserve))).toBe(true);

  // The email the notifications consumer queued is sent in the same trace, below its consumer span.
  const send = spans.find((s) => s.name === "smtp send")!;
  expect(send.kind).toBe("CLIENT");
  const sendChain = ancestors(send);
  expect(sendChain.some((s) => /^process .*order\.created$/.test(s.name) && /notifications/.test(s.tags?.["messaging.consumer.group.name"] ?? ""))).toBe(true);
  expect(sendChain).toContain(post);

  // The same checkout in the metrics: the web counted the order and timed its POST under its
  // route pattern; the worker handled the event in both groups and sent the email.
  const after = await scrape();
  const moved = (text: keyof typeof after, name: string, labels: Record<string, string> = {}) => sample(after[text], name, labels) - sample(before[text], name, labels);
  expect(moved("web", "storefront_orders_placed_total")).toBe(1);
  expect(moved("web", "storefront_http_request_duration_seconds_count", { method: "POST", route: "/api/v1/orders", status: "201" })).toBe(1);
  // The groups carry the run's topic prefix (KAFKA_TOPIC_PREFIX), as the span says.
  const inventory = reserve.tags!["messaging.consumer.group.name"]!;
  const notifications = inventory.replace(/inventory$/, "notifications");
  expect(moved("worker", "storefront_worker_events_processed_total", { group: inventory, topic: "order.created" })).toBeGreaterThanOrEqual(1);
  expect(moved("worker", "storefront_worker_events_processed_total", { group: notifications, topic: "order.created" })).toBeGreaterThanOrEqual(1);
  expect(moved("worker", "storefront_worker_emails_sent_total", { kind: "order_confirmation" })).toBeGreaterThanOrEqual(1);
  expect(sample(after.worker, "process_resident_memory_bytes")).toBeGreaterThan(0);
  expect(sample(after.web, "process_resident_memory_bytes")).toBeGreaterThan(0);
});
