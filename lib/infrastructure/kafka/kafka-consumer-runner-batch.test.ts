import { describe, expect, it } from "vitest";
import type { EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import type { EventHandler } from "@/lib/application/shared";
import { makeEvent, type DomainEvent, type Topic } from "@/lib/domain/events";
import { DeadLetterQueue, KafkaConsumerRunner } from "./kafka-consumer-runner";
import { encodeEvent } from "./envelope";

const ORDER_A = "7d1f1b8e-7f0e-4a8e-9c57-3c0f8f3a1d11";
const ORDER_B = "0c8a4a36-4d53-4c53-8f3e-5a4d0c6e1b22";
const ORDER_C = "5e2b8f1c-1a7d-4f0e-b0a9-2f6c3d4e5a33";

let nextId = 0;
/** An order.created message for an order, keyed by it as the relay keys it; `tag` names it in the steps. */
function created(orderId: string, tag: string): Partial<KafkaMessage> & { tag: string } {
  const id = `00000000-0000-4000-8000-${String(++nextId).padStart(12, "0")}`;
  const e = encodeEvent(
    makeEvent("order.created", {
      id,
      aggregateType: "order",
      aggregateId: orderId,
      occurredAt: new Date(),
      payload: {
        orderId,
        userId: orderId,
        email: `${tag}@example.com`,
        currency: "USD",
        subtotalMinor: 100,
        shippingMinor: 0,
        totalMinor: 100,
        shipTo: null,
        lines: [{ productId: orderId, variantId: orderId, sku: "S", name: "N", variantTitle: "", unitPriceMinor: 100, quantity: 1 }],
      },
    }),
  );
  return { key: Buffer.from(e.key), value: Buffer.from(e.value), headers: e.headers, tag };
}

const tagOf = (e: DomainEvent<"order.created">) => e.payload.email.split("@")[0]!;

/** A consumer in batch mode that hands eachBatch to the test and records what it commits; nothing talks to a broker. */
function harness(options: {
  handle?: (tag: string) => Promise<void>;
  handleBatch?: ((tags: string[]) => Promise<void>) | null;
  send?: DeadLetterQueue["send"];
  batchSize?: number;
}) {
  const steps: string[] = [];
  let eachBatch!: (payload: EachBatchPayload) => Promise<void>;
  const consumer = {
    events: { CRASH: "crash", STOP: "stop", GROUP_JOIN: "join" },
    on: () => undefined,
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: typeof eachBatch; eachMessage?: unknown }) => {
      if (config.eachMessage) throw new Error("batch mode must not run eachMessage");
      eachBatch = config.eachBatch;
    },
    commitOffsets: async (offsets: { partition: number; offset: string }[]) => void steps.push(`commit p${offsets[0]!.partition}@${offsets[0]!.offset}`),
    disconnect: async () => undefined,
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  const handler: EventHandler<"order.created"> = {
    topic: "order.created",
    group: "storefront.test",
    handle: async (event) => {
      const tag = tagOf(event);
      steps.push(`start ${tag}`);
      await options.handle?.(tag);
      steps.push(`done ${tag}`);
    },
    ...(options.handleBatch === null
      ? {}
      : {
          handleBatch: async (events) => {
            const tags = events.map(tagOf);
            steps.push(`batch ${tags.join(",")}`);
            await options.handleBatch?.(tags);
          },
        }),
  };
  const send = options.send ?? (async () => undefined);
  const deadLetterQueue = {
    send: (...args: Parameters<DeadLetterQueue["send"]>) => (steps.push(`dead-letter @${args[0].message.offset}`), send(...args)),
  } as DeadLetterQueue;
  const metrics: string[] = [];
  const runner = new KafkaConsumerRunner(kafka, "storefront.test", [handler] as EventHandler<Topic>[], {
    concurrency: 1,
    logger: { info: () => undefined, error: () => undefined },
    deadLetterQueue,
    maxAttempts: 2,
    baseBackoffMs: 1,
    batchSize: options.batchSize ?? 100,
    metrics: {
      processed: () => void metrics.push("processed"),
      failedAttempt: () => void metrics.push("failed"),
      deadLettered: (_g, _t, reason) => void metrics.push(`dead-lettered ${reason}`),
      batch: (_g, _t, size) => void metrics.push(`batch of ${size}`),
      batchFellBack: () => void metrics.push("fell back"),
    },
  });
  /** Delivers messages as one fetched batch of partition 3, offsets from 10; `running` says when the consumer stops. */
  const deliver = (messages: Partial<KafkaMessage>[], running: () => boolean = () => true) => {
    const resolved: string[] = [];
    const full = messages.map((m, i) => ({ key: null, value: null, timestamp: "0", attributes: 0, headers: {}, ...m, offset: String(10 + i) }) as KafkaMessage);
    return eachBatch({
      batch: { topic: "order.created", partition: 3, messages: full } as EachBatchPayload["batch"],
      resolveOffset: (offset: string) => void resolved.push(offset),
      heartbeat: async () => undefined,
      pause: () => () => undefined,
      commitOffsetsIfNecessary: async () => undefined,
      uncommittedOffsets: () => ({ topics: [] }),
      isRunning: running,
      isStale: () => false,
    }).then(() => resolved);
  };
  return { runner, deliver, steps, metrics };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("KafkaConsumerRunner in batch mode", () => {
  it("hands a fetched batch to handleBatch in one call, in offset order, and commits the partition once, after it", async () => {
    const h = harness({});
    await h.runner.start();
    const resolved = await h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "b1"), created(ORDER_A, "a2")]);
    expect(h.steps).toEqual(["batch a1,b1,a2", "commit p3@13"]);
    expect(resolved).toEqual(["12"]);
    expect(h.metrics).toEqual(["processed", "processed", "processed", "batch of 3"]);
  });

  it("commits nothing while handleBatch has not resolved", async () => {
    let release!: () => void;
    const h = harness({ handleBatch: () => new Promise<void>((r) => (release = r)) });
    await h.runner.start();
    const delivered = h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "b1")]);
    await sleep(20);
    expect(h.steps).toEqual(["batch a1,b1"]);
    release();
    await delivered;
    expect(h.steps).toEqual(["batch a1,b1", "commit p3@12"]);
  });

  it("takes a partition's messages batchSize at a time, committing after each chunk, and starts no chunk once the consumer stops", async () => {
    let running = true;
    const h = harness({
      batchSize: 2,
      handleBatch: async () => {
        running = false; // stopping while the first chunk is in hand: it finishes and commits, nothing after it starts
      },
    });
    await h.runner.start();
    const resolved = await h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "b1"), created(ORDER_C, "c1"), created(ORDER_A, "a2")], () => running);
    expect(h.steps).toEqual(["batch a1,b1", "commit p3@12"]);
    expect(resolved).toEqual(["11"]);
  });

  it("when the batch fails, handles one order's messages in offset order, one after the other, other orders alongside", async () => {
    const h = harness({
      handleBatch: async () => Promise.reject(new Error("deadlock detected")),
      // a1 is slow: if a2 did not wait for it, a2 would start first.
      handle: async (tag) => sleep(tag === "a1" ? 40 : 1),
    });
    await h.runner.start();
    await h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "b1"), created(ORDER_A, "a2"), created(ORDER_B, "b2")]);
    const a = h.steps.filter((s) => / a\d$/.test(s));
    expect(a).toEqual(["start a1", "done a1", "start a2", "done a2"]);
    // B did not wait for A's slow event.
    expect(h.steps.indexOf("done b2")).toBeLessThan(h.steps.indexOf("done a1"));
    expect(h.steps.at(-1)).toBe("commit p3@14");
    expect(h.steps.filter((s) => s.startsWith("commit"))).toHaveLength(1);
    expect(h.metrics).toContain("fell back");
  });

  it("dead-letters a poison event in the middle of a batch after its attempts, handles the others, then commits past all of them", async () => {
    const h = harness({
      handleBatch: async (tags) => {
        if (tags.includes("poison")) throw new Error("constraint violated");
      },
      handle: async (tag) => {
        if (tag === "poison") throw new Error("constraint violated");
      },
    });
    await h.runner.start();
    await h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "poison"), created(ORDER_C, "c1")]);
    expect(h.steps).toEqual(
      expect.arrayContaining(["batch a1,poison,c1", "done a1", "done c1", "start poison", "dead-letter @11", "commit p3@13"]),
    );
    expect(h.steps.filter((s) => s === "start poison")).toHaveLength(2); // maxAttempts
    expect(h.steps.at(-1)).toBe("commit p3@13");
    expect(h.metrics.filter((m) => m === "processed")).toHaveLength(2);
    expect(h.metrics).toContain("dead-lettered failed");
  });

  it("dead-letters an unreadable message and gives the rest of the batch to handleBatch", async () => {
    const h = harness({});
    await h.runner.start();
    await h.deliver([created(ORDER_A, "a1"), { key: Buffer.from(ORDER_B), value: Buffer.from("not json") }, created(ORDER_C, "c1")]);
    expect(h.steps).toEqual(["dead-letter @11", "batch a1,c1", "commit p3@13"]);
    expect(h.metrics).toContain("dead-lettered unreadable");
  });

  it("commits nothing of a batch when a message of it could not be dead-lettered (the batch comes again)", async () => {
    const h = harness({
      handleBatch: async () => Promise.reject(new Error("constraint violated")),
      handle: async (tag) => {
        if (tag === "poison") throw new Error("constraint violated");
      },
      send: async () => {
        throw new Error("dead-letter topic missing");
      },
    });
    await h.runner.start();
    await expect(h.deliver([created(ORDER_A, "a1"), created(ORDER_B, "poison")])).rejects.toThrow("dead-letter topic missing");
    expect(h.steps.filter((s) => s.startsWith("commit"))).toEqual([]);
  });

  it("without handleBatch, handles messages one by one, per order in offset order, and commits once", async () => {
    const h = harness({ handleBatch: null, handle: async (tag) => sleep(tag === "a1" ? 30 : 1) });
    await h.runner.start();
    await h.deliver([created(ORDER_A, "a1"), created(ORDER_A, "a2"), created(ORDER_B, "b1")]);
    expect(h.steps.filter((s) => / a\d$/.test(s))).toEqual(["start a1", "done a1", "start a2", "done a2"]);
    expect(h.steps.filter((s) => s.startsWith("commit"))).toEqual(["commit p3@13"]);
    expect(h.steps.at(-1)).toBe("commit p3@13");
  });
});
