import { describe, expect, it } from "vitest";
import type { EachMessagePayload, Kafka, KafkaMessage } from "kafkajs";
import type { EventHandler } from "@/lib/application/shared";
import { DeadLetterQueue, KafkaConsumerRunner } from "./kafka-consumer-runner";

/** A consumer that hands eachMessage to the test and records what it commits; nothing talks to a broker. */
function harness(send: DeadLetterQueue["send"]) {
  const steps: string[] = [];
  let eachMessage!: (payload: EachMessagePayload) => Promise<void>;
  const consumer = {
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachMessage: typeof eachMessage }) => void (eachMessage = config.eachMessage),
    commitOffsets: async (offsets: { offset: string }[]) => void steps.push(`commit ${offsets[0]!.offset}`),
    disconnect: async () => undefined,
  };
  const kafka = { consumer: () => consumer } as unknown as Kafka;
  const handled: string[] = [];
  const handler: EventHandler<"order.created"> = {
    topic: "order.created",
    group: "storefront.test",
    handle: async (event) => void handled.push(event.id),
  };
  const deadLetterQueue = { send: (...args: Parameters<DeadLetterQueue["send"]>) => (steps.push("dead-letter"), send(...args)) } as DeadLetterQueue;
  const runner = new KafkaConsumerRunner(kafka, handler, { concurrency: 1, logger: { info: () => undefined, error: () => undefined }, topicPrefix: "p.", deadLetterQueue });
  const deliver = (message: Partial<KafkaMessage>) =>
    eachMessage({
      topic: "p.order.created",
      partition: 2,
      message: { key: null, value: null, timestamp: "0", attributes: 0, offset: "41", headers: {}, ...message } as KafkaMessage,
      heartbeat: async () => undefined,
      pause: () => () => undefined,
    });
  return { runner, deliver, steps, handled };
}

describe("KafkaConsumerRunner and unreadable messages", () => {
  it("dead-letters an unreadable message, then commits past it", async () => {
    const seen: unknown[] = [];
    const h = harness(async (origin) => {
      await new Promise((r) => setTimeout(r, 10));
      seen.push(origin);
      h.steps.push("dead-lettered");
    });
    await h.runner.start();
    await h.deliver({ value: Buffer.from("not json") });
    expect(h.steps).toEqual(["dead-letter", "dead-lettered", "commit 42"]);
    expect(seen).toMatchObject([{ topic: "p.order.created", partition: 2, group: "p.storefront.test", message: { offset: "41" } }]);
    expect(h.handled).toEqual([]);
  });

  it("does not commit when the message could not be dead-lettered (it is tried again)", async () => {
    const h = harness(async () => {
      throw new Error("dead-letter topic missing");
    });
    await h.runner.start();
    await expect(h.deliver({ value: Buffer.from("{}") })).rejects.toThrow("dead-letter topic missing");
    expect(h.steps).toEqual(["dead-letter"]);
  });
});
