import { describe, expect, it } from "vitest";
import { createWorkerMetrics, formatValue, MetricsRegistry } from "./metrics";

function quietRegistry(collectTimeoutMs?: number) {
  const logged: string[] = [];
  const registry = new MetricsRegistry({ collectTimeoutMs, log: { error: (m) => void logged.push(m) } });
  return { registry, logged };
}

describe("MetricsRegistry rendering", () => {
  it("renders counters with and without labels, in registration and insertion order", async () => {
    const { registry } = quietRegistry();
    const plain = registry.counter("jobs_total", "Jobs run.");
    const byTopic = registry.counter("events_total", "Events seen.", ["group", "topic"]);
    plain.inc();
    plain.inc(undefined, 2);
    byTopic.inc({ group: "g1", topic: "order.created" });
    byTopic.inc({ topic: "order.paid", group: "g1" }, 5);
    byTopic.inc({ group: "g1", topic: "order.created" });

    expect(await registry.render()).toBe(
      [
        "# HELP jobs_total Jobs run.",
        "# TYPE jobs_total counter",
        "jobs_total 3",
        "# HELP events_total Events seen.",
        "# TYPE events_total counter",
        'events_total{group="g1",topic="order.created"} 2',
        'events_total{group="g1",topic="order.paid"} 5',
        "",
      ].join("\n"),
    );
    expect(byTopic.get({ group: "g1", topic: "order.created" })).toBe(2);
    expect(byTopic.get({ group: "g2", topic: "order.created" })).toBe(0);
  });

  it("shows an untouched unlabelled metric as 0 and a labelled one with no series as its HELP and TYPE only", async () => {
    const { registry } = quietRegistry();
    registry.counter("a_total", "A.");
    registry.gauge("b", "B.", ["x"]);
    expect(await registry.render()).toBe("# HELP a_total A.\n# TYPE a_total counter\na_total 0\n# HELP b B.\n# TYPE b gauge\n");
  });

  it("renders gauges: set, inc, dec, reset", async () => {
    const { registry } = quietRegistry();
    const lag = registry.gauge("lag", "Lag.", ["partition"]);
    lag.set({ partition: "0" }, 7);
    lag.set({ partition: "1" }, 3);
    lag.inc({ partition: "1" }, 2);
    lag.dec({ partition: "0" });
    expect(lag.get({ partition: "0" })).toBe(6);
    expect(await registry.render()).toBe('# HELP lag Lag.\n# TYPE lag gauge\nlag{partition="0"} 6\nlag{partition="1"} 5\n');

    lag.reset();
    lag.set({ partition: "2" }, 1);
    expect(await registry.render()).toBe('# HELP lag Lag.\n# TYPE lag gauge\nlag{partition="2"} 1\n');
    expect(lag.get({ partition: "0" })).toBe(0);
  });

  it("renders histograms as cumulative buckets with +Inf, _sum and _count", async () => {
    const { registry } = quietRegistry();
    const seconds = registry.histogram("handler_seconds", "Handler time.", ["topic"], [0.1, 0.5, 1]);
    seconds.observe({ topic: "a" }, 0.05);
    seconds.observe({ topic: "a" }, 0.1); // on a bound: counted in that bucket (le is "less or equal")
    seconds.observe({ topic: "a" }, 0.7);
    seconds.observe({ topic: "a" }, 3);
    seconds.observe({ topic: "b" }, 0.25);

    expect(await registry.render()).toBe(
      [
        "# HELP handler_seconds Handler time.",
        "# TYPE handler_seconds histogram",
        'handler_seconds_bucket{topic="a",le="0.1"} 2',
        'handler_seconds_bucket{topic="a",le="0.5"} 2',
        'handler_seconds_bucket{topic="a",le="1"} 3',
        'handler_seconds_bucket{topic="a",le="+Inf"} 4',
        'handler_seconds_sum{topic="a"} 3.85',
        'handler_seconds_count{topic="a"} 4',
        'handler_seconds_bucket{topic="b",le="0.1"} 0',
        'handler_seconds_bucket{topic="b",le="0.5"} 1',
        'handler_seconds_bucket{topic="b",le="1"} 1',
        'handler_seconds_bucket{topic="b",le="+Inf"} 1',
        'handler_seconds_sum{topic="b"} 0.25',
        'handler_seconds_count{topic="b"} 1',
        "",
      ].join("\n"),
    );
  });

  it("gives histograms default buckets from 5 ms to 10 s, and an unlabelled one zero series from the start", async () => {
    const { registry } = quietRegistry();
    registry.histogram("h_seconds", "H.");
    const text = await registry.render();
    const bounds = [...text.matchAll(/le="([^"]+)"/g)].map((m) => m[1]);
    expect(bounds).toEqual(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]);
    expect(text).toContain('h_seconds_bucket{le="+Inf"} 0\nh_seconds_sum 0\nh_seconds_count 0\n');
  });

  it("escapes backslash, double quote and newline in label values, and backslash and newline in help", async () => {
    const { registry } = quietRegistry();
    const c = registry.counter("odd_total", 'Help with \\ and\nnewline and "quotes".', ["v"]);
    c.inc({ v: 'C:\\path "quoted"\nnext' });
    expect(await registry.render()).toBe(
      '# HELP odd_total Help with \\\\ and\\nnewline and "quotes".\n# TYPE odd_total counter\nodd_total{v="C:\\\\path \\"quoted\\"\\nnext"} 1\n',
    );
  });

  it("formats numbers the way Prometheus parses them", async () => {
    expect(formatValue(Infinity)).toBe("+Inf");
    expect(formatValue(-Infinity)).toBe("-Inf");
    expect(formatValue(NaN)).toBe("NaN");
    expect(formatValue(1e21)).toBe("1000000000000000000000");
    expect(formatValue(-0)).toBe("0");
    expect(formatValue(42)).toBe("42");
    expect(formatValue(0.25)).toBe("0.25");

    const { registry } = quietRegistry();
    const g = registry.gauge("big", "Big.");
    g.set({}, 2 ** 60);
    expect(await registry.render()).toContain("\nbig 1152921504606846976\n");
  });
});

describe("MetricsRegistry validation", () => {
  it("rejects invalid metric names", () => {
    const { registry } = quietRegistry();
    expect(() => registry.gauge("1st", "x")).toThrow(/invalid metric name "1st"/);
    expect(() => registry.gauge("has-dash", "x")).toThrow(/invalid metric name/);
    expect(() => registry.gauge("", "x")).toThrow(/invalid metric name/);
    expect(() => registry.gauge("ünïcode", "x")).toThrow(/invalid metric name/);
    // Colons are allowed (recording rules use them).
    expect(() => registry.gauge("job:rate5m", "x")).not.toThrow();
  });

  it("rejects invalid, reserved and repeated label names", () => {
    const { registry } = quietRegistry();
    expect(() => registry.gauge("g1", "x", ["has:colon"])).toThrow(/invalid label name "has:colon"/);
    expect(() => registry.gauge("g2", "x", ["0abc"])).toThrow(/invalid label name/);
    expect(() => registry.gauge("g3", "x", ["__internal"])).toThrow(/reserved/);
    expect(() => registry.gauge("g4", "x", ["a", "a"])).toThrow(/given twice/);
    expect(() => registry.histogram("h_seconds", "x", ["le"])).toThrow(/reserved for this metric type/);
  });

  it("requires counter names to end in _total", () => {
    const { registry } = quietRegistry();
    expect(() => registry.counter("requests", "x")).toThrow(/must end in _total/);
  });

  it("rejects bad histogram buckets", () => {
    const { registry } = quietRegistry();
    expect(() => registry.histogram("a_seconds", "x", [], [])).toThrow(/at least one finite bucket/);
    expect(() => registry.histogram("b_seconds", "x", [], [1, 0.5])).toThrow(/strictly increasing/);
    expect(() => registry.histogram("c_seconds", "x", [], [0.1, NaN])).toThrow(/finite/);
    // +Inf may be listed; it is not doubled.
    registry.histogram("d_seconds", "x", [], [1, Infinity]);
  });

  it("rejects updates with unknown, missing or non-string labels, negative counter increments and non-finite observations", () => {
    const { registry } = quietRegistry();
    const c = registry.counter("c_total", "x", ["kind"]);
    expect(() => c.inc({ kind: "a", other: "b" })).toThrow(/unknown label "other"/);
    expect(() => c.inc({})).toThrow(/label "kind" must be a string/);
    expect(() => c.inc({ kind: 1 as unknown as string })).toThrow(/must be a string/);
    expect(() => c.inc({ kind: "a" }, -1)).toThrow(/cannot decrease/);
    expect(() => c.inc({ kind: "a" }, NaN)).toThrow(/finite/);
    const h = registry.histogram("h_seconds", "x");
    expect(() => h.observe({}, Infinity)).toThrow(/finite/);
    expect(c.get({ kind: "a" })).toBe(0);
  });

  it("returns the same metric when a name is registered again with the same type, and throws otherwise", async () => {
    const { registry } = quietRegistry();
    const first = registry.counter("x_total", "X.", ["a"]);
    const again = registry.counter("x_total", "X again.", ["a"]);
    expect(again).toBe(first);
    again.inc({ a: "1" });
    expect(first.get({ a: "1" })).toBe(1);
    const h = registry.histogram("y_seconds", "Y.", [], [1, 2]);
    expect(registry.histogram("y_seconds", "Y.", [], [1, 2])).toBe(h);

    expect(() => registry.gauge("x_total", "X.", ["a"])).toThrow(/already registered as a counter/);
    expect(() => registry.counter("x_total", "X.", ["b"])).toThrow(/already registered with labels \[a\]/);
    expect(() => registry.histogram("y_seconds", "Y.", [], [1, 3])).toThrow(/other buckets/);
    // A histogram's series names are its own.
    expect(() => registry.gauge("y_seconds_count", "Z.")).toThrow(/taken by histogram y_seconds/);
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

describe("createWorkerMetrics", () => {
  it("registers the worker's metrics under their documented names and labels", async () => {
    const m = createWorkerMetrics(quietRegistry().registry);
    m.eventsProcessed.inc({ group: "g", topic: "t" });
    m.eventsFailed.inc({ group: "g", topic: "t" });
    m.eventsDeadLettered.inc({ group: "g", topic: "t", reason: "unreadable" });
    m.handlerSeconds.observe({ group: "g", topic: "t" }, 0.02);
    m.consumerLag.set({ group: "g", topic: "t", partition: "0" }, 4);
    m.outboxPublished.inc(undefined, 3);
    m.outboxPublishFailures.inc();
    m.outboxPruned.inc(undefined, 2);
    m.emailsSent.inc({ kind: "welcome" });
    m.emailsFailed.inc({ kind: "welcome" });
    m.emailsGivenUp.inc({ kind: "welcome" });
    m.emailsInDoubt.inc({ kind: "welcome" });
    m.reservationsExpired.inc();
    m.paymentsSettled.inc({ outcome: "voided" }, 2);
    m.paymentFailures.inc({ operation: "refund" });

    const text = await m.registry.render();
    const samples = text.split("\n").filter((l) => l && !l.startsWith("#"));
    expect(samples).toEqual(
      expect.arrayContaining([
        'storefront_worker_events_processed_total{group="g",topic="t"} 1',
        'storefront_worker_events_failed_total{group="g",topic="t"} 1',
        'storefront_worker_events_dead_lettered_total{group="g",topic="t",reason="unreadable"} 1',
        'storefront_worker_event_handler_seconds_bucket{group="g",topic="t",le="0.025"} 1',
        'storefront_worker_event_handler_seconds_bucket{group="g",topic="t",le="0.01"} 0',
        'storefront_worker_event_handler_seconds_count{group="g",topic="t"} 1',
        'storefront_worker_consumer_lag{group="g",topic="t",partition="0"} 4',
        "storefront_worker_outbox_published_total 3",
        "storefront_worker_outbox_publish_failures_total 1",
        "storefront_worker_outbox_pruned_total 2",
        'storefront_worker_emails_sent_total{kind="welcome"} 1',
        'storefront_worker_emails_failed_total{kind="welcome"} 1',
        'storefront_worker_emails_given_up_total{kind="welcome"} 1',
        'storefront_worker_emails_in_doubt_total{kind="welcome"} 1',
        "storefront_worker_reservations_expired_total 1",
        'storefront_worker_payments_settled_total{outcome="voided"} 2',
        'storefront_worker_payment_failures_total{operation="refund"} 1',
      ]),
    );
    const types = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((x) => `${x[1]} ${x[2]}`);
    expect(types).toEqual([
      "storefront_worker_events_processed_total counter",
      "storefront_worker_events_failed_total counter",
      "storefront_worker_events_dead_lettered_total counter",
      "storefront_worker_event_handler_seconds histogram",
      "storefront_worker_consumer_lag gauge",
      "storefront_worker_outbox_published_total counter",
      "storefront_worker_outbox_publish_failures_total counter",
      "storefront_worker_outbox_pruned_total counter",
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
