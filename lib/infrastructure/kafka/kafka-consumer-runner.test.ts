import { describe, expect, it, vi } from "vitest";
import type { EachMessagePayload, Kafka, KafkaMessage } from "kafkajs";
import type { EventHandler } from "@/lib/application/shared";
import { makeEvent } from "@/lib/domain/events";
import type { Topic } from "@/lib/domain/events";
import { consumerTimings, DeadLetterQueue, KafkaConsumerRunner } from "./kafka-consumer-runner";
import { encodeEvent } from "./envelope";

const ORDER = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";

/** A consumer that hands eachMessage to the test and records what it commits; nothing talks to a broker. */
function harness(options: {
  send?: DeadLetterQueue["send"];
  handle?: (attempt: number) => Promise<void>;
  maxAttempts?: number;
}) {
  const steps: string[] = [];
  let eachMessage!: (payload: EachMessagePayload) => Promise<void>;
  const listeners = new Map<string, (e: { payload: { error: Error; restart: boolean } }) => void>();
  const consumer = {
    events: { CRASH: "crash", STOP: "stop", GROUP_JOIN: "join" },
    on: (event: string, fn: (e: { payload: { error: Error; restart: boolean } }) => void) => void listeners.set(event, fn),
    connect: async () => undefined,
    subscribe: async (s: { topics: string[] }) => void steps.push(`subscribe ${s.topics.join(",")}`),
    run: async (config: { eachMessage: typeof eachMessage }) => void (eachMessage = config.eachMessage),
    commitOffsets: async (offsets: { offset: string }[]) => void steps.push(`commit ${offsets[0]!.offset}`),
    disconnect: async () => void steps.push("disconnect"),
  };
  let consumersMade = 0;
  const kafka = { consumer: () => (consumersMade++, consumer) } as unknown as Kafka;
  let attempts = 0;
  const created: EventHandler<"order.created"> = {
    topic: "order.created",
    group: "storefront.test",
    handle: async () => {
      attempts++;
      steps.push(`handle created #${attempts}`);
      await options.handle?.(attempts);
    },
  };
  const cancelled: EventHandler<"order.cancelled"> = {
    topic: "order.cancelled",
    group: "storefront.test",
    handle: async () => void steps.push("handle cancelled"),
  };
  const send = options.send ?? (async () => undefined);
  const deadLetterQueue = {
    send: (...args: Parameters<DeadLetterQueue["send"]>) => (steps.push(`dead-letter ${String((args[0].error as Error).message)}`), send(...args)),
  } as DeadLetterQueue;
  const metrics: string[] = [];
  const runner = new KafkaConsumerRunner(kafka, "storefront.test", [created, cancelled] as EventHandler<Topic>[], {
    concurrency: 1,
    logger: { info: () => undefined, error: () => undefined },
    topicPrefix: "p.",
    deadLetterQueue,
    maxAttempts: options.maxAttempts ?? 3,
    baseBackoffMs: 1,
    metrics: {
      processed: (g, t) => void metrics.push(`processed ${g} ${t}`),
      failedAttempt: (g, t) => void metrics.push(`failed ${g} ${t}`),
      deadLettered: (g, t, reason) => void metrics.push(`dead-lettered ${g} ${t} ${reason}`),
    },
  });
  const deliver = (topic: string, message: Partial<KafkaMessage>) =>
    eachMessage({
      topic,
      partition: 2,
      message: { key: null, value: null, timestamp: "0", attributes: 0, offset: "41", headers: {}, ...message } as KafkaMessage,
      heartbeat: async () => undefined,
      pause: () => () => undefined,
    });
  return { runner, deliver, steps, metrics, listeners, created: () => consumersMade };
}

const createdEvent = () =>
  encodeEvent(
    makeEvent("order.created", {
      id: "0b6f3f0e-0e4e-4f1b-9a43-0e6f1c1d2e3f",
      aggregateType: "order",
      aggregateId: ORDER,
      occurredAt: new Date(),
      payload: {
        orderId: ORDER,
        userId: ORDER,
        email: "ada@example.com",
        currency: "USD",
        subtotalMinor: 100,
        shippingMinor: 0,
        totalMinor: 100,
        shipTo: null,
        lines: [{ productId: ORDER, variantId: ORDER, sku: "S", name: "N", variantTitle: "", unitPriceMinor: 100, quantity: 1 }],
      },
    }),
  );

describe("KafkaConsumerRunner", () => {
  it("subscribes one group to every handler's topic and dispatches by topic", async () => {
    const h = harness({});
    await h.runner.start();
    await h.deliver("p.order.created", { value: Buffer.from(createdEvent().value), headers: createdEvent().headers });
    expect(h.steps).toEqual(["subscribe p.order.created,p.order.cancelled", "handle created #1", "commit 42"]);
    expect(h.metrics).toEqual(["processed p.storefront.test order.created"]);
  });

  it("refuses a handler of another group", () => {
    const kafka = { consumer: () => ({}) } as unknown as Kafka;
    const stray: EventHandler<"order.paid"> = { topic: "order.paid", group: "storefront.other", handle: async () => undefined };
    expect(
      () =>
        new KafkaConsumerRunner(kafka, "storefront.test", [stray] as EventHandler<Topic>[], {
          concurrency: 1,
          logger: { info: () => undefined, error: () => undefined },
          deadLetterQueue: {} as DeadLetterQueue,
        }),
    ).toThrow("belongs to group storefront.other");
  });

  it("dead-letters an unreadable message, then commits past it", async () => {
    const seen: unknown[] = [];
    const h = harness({
      send: async (origin) => {
        await new Promise((r) => setTimeout(r, 10));
        seen.push(origin);
        h.steps.push("dead-lettered");
      },
    });
    await h.runner.start();
    await h.deliver("p.order.created", { value: Buffer.from("not json") });
    expect(h.steps.slice(1)).toEqual([expect.stringMatching(/^dead-letter /), "dead-lettered", "commit 42"]);
    expect(seen).toMatchObject([{ topic: "p.order.created", partition: 2, group: "p.storefront.test", message: { offset: "41" } }]);
    expect(h.metrics).toEqual(["dead-lettered p.storefront.test order.created unreadable"]);
  });

  it("retries a failing handler with backoff, then succeeds and commits", async () => {
    const h = harness({
      handle: async (n) => {
        if (n < 3) throw new Error("deadlock");
      },
    });
    await h.runner.start();
    await h.deliver("p.order.created", { value: Buffer.from(createdEvent().value) });
    expect(h.steps.slice(1)).toEqual(["handle created #1", "handle created #2", "handle created #3", "commit 42"]);
    expect(h.metrics).toEqual(["failed p.storefront.test order.created", "failed p.storefront.test order.created", "processed p.storefront.test order.created"]);
  });

  it("dead-letters an event that still fails after its attempts, then commits past it", async () => {
    const h = harness({ handle: async () => Promise.reject(new Error("constraint violated")), maxAttempts: 3 });
    await h.runner.start();
    await h.deliver("p.order.created", { value: Buffer.from(createdEvent().value) });
    expect(h.steps.slice(1)).toEqual(["handle created #1", "handle created #2", "handle created #3", "dead-letter failed 3 times", "commit 42"]);
    expect(h.metrics.at(-1)).toBe("dead-lettered p.storefront.test order.created failed");
  });

  it("does not commit when the message could not be dead-lettered (it is tried again)", async () => {
    const h = harness({
      send: async () => {
        throw new Error("dead-letter topic missing");
      },
    });
    await h.runner.start();
    await expect(h.deliver("p.order.created", { value: Buffer.from("{}") })).rejects.toThrow("dead-letter topic missing");
    expect(h.steps.filter((s) => s.startsWith("commit"))).toEqual([]);
  });

  it("starts a fresh consumer after a crash kafkajs will not restart from (e.g. the coordinator forgot the member)", async () => {
    const h = harness({});
    await h.runner.start();
    expect(h.created()).toBe(1);
    h.listeners.get("crash")!({ payload: { error: new Error("The coordinator is not aware of this member"), restart: false } });
    await vi.waitFor(() => expect(h.created()).toBe(2), { timeout: 3_000 });
    await vi.waitFor(() => expect(h.steps.filter((s) => s.startsWith("subscribe"))).toHaveLength(2));
    expect(h.steps).toContain("disconnect"); // the dead consumer was let go first
    // A crash kafkajs restarts from itself is left to kafkajs.
    h.listeners.get("crash")!({ payload: { error: new Error("broker gone"), restart: true } });
    await new Promise((r) => setTimeout(r, 1_200));
    expect(h.created()).toBe(2);
    await h.runner.stop();
  });
});

describe("consumerTimings", () => {
  it("heartbeats and ends idle fetches at a sixth of the session timeout, so a live member is never dropped for waiting on data", () => {
    expect(consumerTimings(6_000)).toMatchObject({ sessionTimeout: 6_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 1_000, rebalanceTimeout: 12_000 });
    // Long sessions keep heartbeats at most 3 s apart; short ones at least 300 ms apart.
    expect(consumerTimings(60_000)).toMatchObject({ heartbeatInterval: 3_000, maxWaitTimeInMs: 3_000, rebalanceTimeout: 120_000 });
    expect(consumerTimings(1_000)).toMatchObject({ heartbeatInterval: 300, rebalanceTimeout: 10_000 });
    for (const session of [1_000, 6_000, 10_000, 30_000, 300_000]) {
      const t = consumerTimings(session);
      expect(t.heartbeatInterval * 3).toBeLessThanOrEqual(session);
    }
  });
});
