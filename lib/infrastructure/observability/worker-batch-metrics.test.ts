import { describe, expect, it } from "vitest";
import { createWorkerBatchMetrics, createWorkerMetrics, MetricsRegistry } from "./metrics";

describe("createWorkerBatchMetrics", () => {
  it("registers the batch metrics beside the worker's, under their documented names", async () => {
    const registry = new MetricsRegistry();
    createWorkerMetrics(registry);
    const m = createWorkerBatchMetrics(registry);
    m.consumerBatchEvents.observe({ group: "g", topic: "t" }, 200);
    m.consumerBatchFallbacks.inc({ group: "g", topic: "t" });
    m.outboxBatchEvents.observe({}, 500);

    const samples = (await registry.render()).split("\n").filter((l) => l && !l.startsWith("#"));
    expect(samples).toEqual(
      expect.arrayContaining([
        'storefront_worker_consumer_batch_events_bucket{le="100",group="g",topic="t"} 0',
        'storefront_worker_consumer_batch_events_bucket{le="250",group="g",topic="t"} 1',
        'storefront_worker_consumer_batch_events_sum{group="g",topic="t"} 200',
        'storefront_worker_consumer_batch_fallbacks_total{group="g",topic="t"} 1',
        'storefront_worker_outbox_batch_events_bucket{le="500"} 1',
        "storefront_worker_outbox_batch_events_count 1",
      ]),
    );
  });
});
