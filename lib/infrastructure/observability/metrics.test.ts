import { register as promDefaultRegistry } from "prom-client";
import { describe, expect, it, vi } from "vitest";
import { createWebMetrics, createWorkerMetrics, MetricsRegistry, webMetrics } from "./metrics";

function quietRegistry(collectTimeoutMs?: number) {
  const logged: string[] = [];
  const registry = new MetricsRegistry({ collectTimeoutMs, log: { error: (m) => void logged.push(m) } });
  return { registry, logged };
}

/** The sample lines of a rendering (no HELP, TYPE or blank lines). */
const samplesOf = (text: string) => text.split("\n").filter((l) => l && !l.startsWith("#"));

describe("MetricsRegistry on prom-client", () => {
  it("renders counters in the text format, an unlabelled one as 0 before its first increment", async () => {
    const { registry } = quietRegistry();
    const plain = registry.counter("jobs_total", "Jobs run.");
    const byTopic = registry.counter("events_total", "Events seen.", ["group", "topic"]);
    registry.counter("idle_total", "Never incremented.");
    plain.inc();
    plain.inc({}, 2);
    byTopic.inc({ group: "g1", topic: "order.created" });
    byTopic.inc({ topic: "order.paid", group: "g1" }, 5);
    byTopic.inc({ group: "g1", topic: "order.created" });

    const text = await registry.render();
    expect(text).toContain("# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 3\n");
    expect(samplesOf(text)).toEqual([
      "jobs_total 3",
      'events_total{group="g1",topic="order.created"} 2',
      'events_total{group="g1",topic="order.paid"} 5',
      "idle_total 0",
    ]);
    expect(text.endsWith("\n")).toBe(true);
    expect(await byTopic.get({ group: "g1", topic: "order.created" })).toBe(2);
    expect(await byTopic.get({ group: "g2", topic: "order.created" })).toBe(0);
    expect(await plain.get()).toBe(3);
  });

  it("sets, moves and resets gauges", async () => {
    const { registry } = quietRegistry();
    const lag = registry.gauge("lag", "Lag.", ["partition"]);
    lag.set({ partition: "0" }, 7);
    lag.set({ partition: "1" }, 3);
    lag.inc({ partition: "1" }, 2);
    lag.dec({ partition: "0" });
    expect(await lag.get({ partition: "0" })).toBe(6);
    expect(samplesOf(await registry.render())).toEqual(['lag{partition="0"} 6', 'lag{partition="1"} 5']);

    lag.reset();
    lag.set({ partition: "2" }, 1);
    expect(samplesOf(await registry.render())).toEqual(['lag{partition="2"} 1']);
    expect(await lag.get({ partition: "0" })).toBe(0);
  });

  it("renders histograms with cumulative buckets (5 ms to 10 s unless given), +Inf, _sum and _count", async () => {
    const { registry } = quietRegistry();
    const seconds = registry.histogram("handler_seconds", "Handler time.", ["topic"]);
    seconds.observe({ topic: "a" }, 0.01); // on a bound: counted in it (le is "less or equal")
    seconds.observe({ topic: "a" }, 0.7);
    seconds.observe({ topic: "a" }, 30);
    const samples = samplesOf(await registry.render());
    const bounds = samples.map((l) => /le="([^"]+)"/.exec(l)?.[1]).filter(Boolean);
    expect(bounds).toEqual(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]);
    expect(samples).toEqual(
      expect.arrayContaining([
        'handler_seconds_bucket{le="0.005",topic="a"} 0',
        'handler_seconds_bucket{le="0.01",topic="a"} 1',
        'handler_seconds_bucket{le="0.5",topic="a"} 1',
        'handler_seconds_bucket{le="1",topic="a"} 2',
        'handler_seconds_bucket{le="10",topic="a"} 2',
        'handler_seconds_bucket{le="+Inf",topic="a"} 3',
        'handler_seconds_sum{topic="a"} 30.71',
        'handler_seconds_count{topic="a"} 3',
      ]),
    );
  });

  it("escapes label values and help as the text format requires", async () => {
    const { registry } = quietRegistry();
    const c = registry.counter("odd_total", "Help with \\ and\nnewline.", ["v"]);
    c.inc({ v: 'C:\\path "quoted"\nnext' });
    expect(await registry.render()).toBe(
      '# HELP odd_total Help with \\\\ and\\nnewline.\n# TYPE odd_total counter\nodd_total{v="C:\\\\path \\"quoted\\"\\nnext"} 1\n',
    );
  });

  it("names its content type: the text format 0.0.4", () => {
    expect(quietRegistry().registry.contentType).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("keeps each registry apart from the others and from prom-client's global one", async () => {
    const a = quietRegistry().registry;
    const b = quietRegistry().registry;
    a.counter("same_name_total", "A.").inc();
    b.counter("same_name_total", "B.");
    expect(samplesOf(await a.render())).toEqual(["same_name_total 1"]);
    expect(samplesOf(await b.render())).toEqual(["same_name_total 0"]);
    expect(promDefaultRegistry.getSingleMetric("same_name_total")).toBeUndefined();
  });

  it("adds the process metrics only when asked", async () => {
    const without = await quietRegistry().registry.render();
    expect(without).toBe("\n");
    const withThem = await new MetricsRegistry({ processMetrics: true }).render();
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "nodejs_eventloop_lag_seconds", "nodejs_heap_size_used_bytes", "nodejs_gc_duration_seconds"]) {
      expect(withThem).toContain(`# TYPE ${name} `);
    }
  });
});

describe("MetricsRegistry checks", () => {
  it("rejects names prom-client rejects, and counter names without _total", () => {
    const { registry } = quietRegistry();
    expect(() => registry.gauge("has-dash", "x")).toThrow(/name/);
    expect(() => registry.gauge("g1", "x", ["has:colon"])).toThrow(/label name/);
    expect(() => registry.histogram("h_seconds", "x", ["le"])).toThrow(/le is a reserved/);
    expect(() => registry.counter("requests", "x")).toThrow(/must end in _total/);
  });

  it("rejects updates with unknown, missing or non-string labels, negative counter increments and non-finite values", async () => {
    const { registry } = quietRegistry();
    const c = registry.counter("c_total", "x", ["kind"]);
    expect(() => c.inc({ kind: "a", other: "b" })).toThrow(/unknown label "other"/);
    // prom-client alone would take a subset of the labels and make a series no query expects.
    expect(() => c.inc({})).toThrow(/label "kind" must be a string/);
    expect(() => c.inc({ kind: 1 as unknown as string })).toThrow(/must be a string/);
    expect(() => c.inc({ kind: "a" }, -1)).toThrow(/cannot decrease/);
    expect(() => c.inc({ kind: "a" }, NaN)).toThrow(/finite/);
    const h = registry.histogram("h_seconds", "x");
    expect(() => h.observe({}, Infinity)).toThrow(/finite/);
    const g = registry.gauge("g", "x", ["p"]);
    expect(() => g.set({}, 1)).toThrow(/label "p" must be a string/);
    expect(await c.get({ kind: "a" })).toBe(0);
    expect(samplesOf(await registry.render())).not.toContainEqual(expect.stringMatching(/^c_total/));
  });

  it("returns the same metric when a name is registered again alike, and throws otherwise", async () => {
    const { registry } = quietRegistry();
    const first = registry.counter("x_total", "X.", ["a"]);
    const again = registry.counter("x_total", "X again.", ["a"]);
    expect(again).toBe(first);
    again.inc({ a: "1" });
    expect(await first.get({ a: "1" })).toBe(1);
    const h = registry.histogram("y_seconds", "Y.", [], [1, 2]);
    expect(registry.histogram("y_seconds", "Y.", [], [1, 2])).toBe(h);

    expect(() => registry.gauge("x_total", "X.", ["a"])).toThrow(/already registered as a counter/);
    expect(() => registry.counter("x_total", "X.", ["b"])).toThrow(/already registered with labels \[a\]/);
    expect(() => registry.histogram("y_seconds", "Y.", [], [1, 3])).toThrow(/other buckets/);
    expect((await registry.render()).match(/# TYPE x_total/g)).toHaveLength(1);
  });
});

describe("MetricsRegistry collectors", () => {
  it("runs collectors before each render", async () => {
    const { registry } = quietRegistry();
    const g = registry.gauge("reads", "Reads.");
    let n = 0;
    registry.onCollect(() => g.set({}, ++n));
    expect(await registry.render()).toContain("\nreads 1\n");
    expect(await registry.render()).toContain("\nreads 2\n");
  });

  it("logs and skips a collector that throws or rejects, and renders the rest", async () => {
    const { registry, logged } = quietRegistry();
    const g = registry.gauge("ok_value", "OK.");
    registry.onCollect(() => {
      throw new Error("sync boom", { cause: new Error("root cause") });
    });
    registry.onCollect(async () => {
      throw new Error("async boom");
    });
    registry.onCollect(() => g.set({}, 9));

    expect(await registry.render()).toBe("# HELP ok_value OK.\n# TYPE ok_value gauge\nok_value 9\n");
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/collector #1 failed: Error: sync boom\n {2}caused by Error: root cause/);
    expect(logged[1]).toMatch(/collector #2 failed: Error: async boom/);
  });

  it("gives up on a collector that exceeds the timeout, aborting its signal, without failing the render", async () => {
    const { registry, logged } = quietRegistry(50);
    const g = registry.gauge("v", "V.");
    let sawAbort = false;
    registry.onCollect(
      (signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve();
          });
        }),
    );
    // One that ignores its signal entirely must not hold the scrape either.
    registry.onCollect(() => new Promise<void>(() => undefined));
    registry.onCollect(() => g.set({}, 1));

    const started = Date.now();
    expect(await registry.render()).toContain("\nv 1\n");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sawAbort).toBe(true);
    expect(logged).toEqual([
      "collector #1 took longer than 50 ms; rendering without it",
      "collector #2 took longer than 50 ms; rendering without it",
    ]);
  });

  it("rejects when the caller aborts the render, without logging collectors as failed", async () => {
    const { registry, logged } = quietRegistry(5_000);
    registry.onCollect(() => new Promise<void>(() => undefined));
    const controller = new AbortController();
    const rendering = registry.render(controller.signal);
    controller.abort(new Error("scraper left"));
    await expect(rendering).rejects.toThrow("scraper left");
    expect(logged).toEqual([]);
    await expect(registry.render(AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});

/** "name type" of each metric family, in order. */
const typesOf = (text: string) => [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => `${x[1]} ${x[2]}`);

describe("createWorkerMetrics", () => {
  it("registers the worker's metrics under their documented names and labels", async () => {
    const m = createWorkerMetrics(quietRegistry().registry);
    m.eventsProcessed.inc({ group: "g", topic: "t" });
    m.eventsFailed.inc({ group: "g", topic: "t" });
    m.eventsDeadLettered.inc({ group: "g", topic: "t", reason: "unreadable" });
    m.handlerSeconds.observe({ group: "g", topic: "t" }, 0.02);
    m.consumerLag.set({ group: "g", topic: "t", partition: "0" }, 4);
    m.outboxPublished.inc({}, 3);
    m.outboxPublishFailures.inc();
    m.outboxPruned.inc({}, 2);
    m.emailsSent.inc({ kind: "welcome" });
    m.emailsFailed.inc({ kind: "welcome" });
    m.emailsGivenUp.inc({ kind: "welcome" });
    m.emailsInDoubt.inc({ kind: "welcome" });
    m.reservationsExpired.inc();
    m.prunedRows.inc({ table: "guest_carts" }, 7);
    m.retentionFailures.inc();
    m.paymentsSettled.inc({ outcome: "voided" }, 2);
    m.paymentFailures.inc({ operation: "refund" });

    const text = await m.registry.render();
    expect(samplesOf(text)).toEqual(
      expect.arrayContaining([
        'storefront_worker_events_processed_total{group="g",topic="t"} 1',
        'storefront_worker_events_failed_total{group="g",topic="t"} 1',
        'storefront_worker_events_dead_lettered_total{group="g",topic="t",reason="unreadable"} 1',
        'storefront_worker_event_handler_seconds_bucket{le="0.025",group="g",topic="t"} 1',
        'storefront_worker_event_handler_seconds_bucket{le="0.01",group="g",topic="t"} 0',
        'storefront_worker_event_handler_seconds_count{group="g",topic="t"} 1',
        'storefront_worker_consumer_lag{group="g",topic="t",partition="0"} 4',
        "storefront_worker_outbox_published_total 3",
        "storefront_worker_outbox_publish_failures_total 1",
        "storefront_worker_outbox_pruned_total 2",
        'storefront_worker_pruned_rows_total{table="guest_carts"} 7',
        "storefront_worker_retention_failures_total 1",
        'storefront_worker_emails_sent_total{kind="welcome"} 1',
        'storefront_worker_emails_failed_total{kind="welcome"} 1',
        'storefront_worker_emails_given_up_total{kind="welcome"} 1',
        'storefront_worker_emails_in_doubt_total{kind="welcome"} 1',
        "storefront_worker_reservations_expired_total 1",
        'storefront_worker_payments_settled_total{outcome="voided"} 2',
        'storefront_worker_payment_failures_total{operation="refund"} 1',
      ]),
    );
    expect(typesOf(text)).toEqual([
      "storefront_worker_events_processed_total counter",
      "storefront_worker_events_failed_total counter",
      "storefront_worker_events_dead_lettered_total counter",
      "storefront_worker_event_handler_seconds histogram",
      "storefront_worker_consumer_lag gauge",
      "storefront_worker_outbox_published_total counter",
      "storefront_worker_outbox_publish_failures_total counter",
      "storefront_worker_outbox_pruned_total counter",
      "storefront_worker_pruned_rows_total counter",
      "storefront_worker_retention_failures_total counter",
      "storefront_worker_emails_sent_total counter",
      "storefront_worker_emails_failed_total counter",
      "storefront_worker_emails_given_up_total counter",
      "storefront_worker_emails_in_doubt_total counter",
      "storefront_worker_reservations_expired_total counter",
      "storefront_worker_payments_settled_total counter",
      "storefront_worker_payment_failures_total counter",
    ]);
  });

  it("can be created twice on one registry (same metrics back)", () => {
    const { registry } = quietRegistry();
    const a = createWorkerMetrics(registry);
    const b = createWorkerMetrics(registry);
    expect(b.eventsProcessed).toBe(a.eventsProcessed);
    expect(b.consumerLag).toBe(a.consumerLag);
  });
});

describe("createWebMetrics", () => {
  it("registers the web's metrics under their documented names and labels", async () => {
    const m = createWebMetrics(quietRegistry().registry);
    m.refusals.inc({ limit: "api_ip" });
    m.fallbacks.inc({ limit: "api_user" });
    m.unavailable.inc({ limit: "sign_in_email" });
    m.httpRequestSeconds.observe({ method: "GET", route: "/products/[slug]", status: "200" }, 0.03);
    m.ordersPlaced.inc();
    m.payments.inc({ outcome: "declined" });
    m.cacheRequests.inc({ cache: "catalog", result: "hit" });
    m.cspViolations.inc({ directive: "script-src-elem" });
    m.requestBodiesRefused.inc({ route: "/api/v1" });
    m.authEvents.inc({ event: "refresh_token_reuse" });

    const text = await m.registry.render();
    expect(samplesOf(text)).toEqual(
      expect.arrayContaining([
        'storefront_rate_limit_refusals_total{limit="api_ip"} 1',
        'storefront_rate_limit_fallback_total{limit="api_user"} 1',
        'storefront_rate_limit_unavailable_total{limit="sign_in_email"} 1',
        'storefront_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/products/[slug]",status="200"} 0',
        'storefront_http_request_duration_seconds_bucket{le="0.05",method="GET",route="/products/[slug]",status="200"} 1',
        'storefront_http_request_duration_seconds_count{method="GET",route="/products/[slug]",status="200"} 1',
        "storefront_orders_placed_total 1",
        'storefront_payments_total{outcome="declined"} 1',
        'storefront_cache_requests_total{cache="catalog",result="hit"} 1',
        'storefront_csp_violations_total{directive="script-src-elem"} 1',
        'storefront_request_bodies_refused_total{route="/api/v1"} 1',
        'storefront_auth_events_total{event="refresh_token_reuse"} 1',
      ]),
    );
    expect(typesOf(text)).toEqual([
      "storefront_rate_limit_refusals_total counter",
      "storefront_rate_limit_fallback_total counter",
      "storefront_rate_limit_unavailable_total counter",
      "storefront_http_request_duration_seconds histogram",
      "storefront_orders_placed_total counter",
      "storefront_payments_total counter",
      "storefront_cache_requests_total counter",
      "storefront_csp_violations_total counter",
      "storefront_request_bodies_refused_total counter",
      "storefront_auth_events_total counter",
    ]);
    const bounds = [...text.matchAll(/^storefront_http_request_duration_seconds_bucket\{le="([^"]+)"/gm)].map((x) => x[1]);
    expect(bounds[0]).toBe("0.005");
    expect(bounds.at(-2)).toBe("10");
  });

  it("webMetrics() is one set per process, even for another copy of this module (another Next.js bundle)", async () => {
    const first = webMetrics();
    expect(webMetrics()).toBe(first);
    vi.resetModules();
    const copy = await import("./metrics");
    expect(copy.webMetrics).not.toBe(webMetrics);
    expect(copy.webMetrics()).toBe(first);
    // The process metrics come with it: this is the registry the web serves.
    expect(await first.registry.render()).toContain("# TYPE process_resident_memory_bytes gauge");
  });
});
