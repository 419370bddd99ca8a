import { describe, expect, it, vi } from "vitest";
import type { Producer } from "kafkajs";
import { LazyProducer } from "./lazy-producer";

function fakeProducer() {
  return { connect: vi.fn(async () => undefined), disconnect: vi.fn(async () => undefined) } as unknown as Producer & {
    connect: ReturnType<typeof vi.fn>;
    disconnect: ReturnType<typeof vi.fn>;
  };
}

describe("LazyProducer", () => {
  it("connects one producer on first use and keeps it while sends succeed", async () => {
    const made: ReturnType<typeof fakeProducer>[] = [];
    const lazy = new LazyProducer(() => (made.push(fakeProducer()), made.at(-1)!));
    expect(made).toHaveLength(0);
    await lazy.send(async () => 1);
    await lazy.send(async () => 2);
    expect(made).toHaveLength(1);
    expect(made[0]!.connect).toHaveBeenCalledTimes(1);
    await lazy.close();
    expect(made[0]!.disconnect).toHaveBeenCalledTimes(1);
  });

  it("after a failed send, sends with a new producer (a new producer id), never the old one's sequence numbers", async () => {
    const made: ReturnType<typeof fakeProducer>[] = [];
    const lazy = new LazyProducer(() => (made.push(fakeProducer()), made.at(-1)!));
    const used: Producer[] = [];
    await lazy.send(async (p) => used.push(p));
    await expect(lazy.send(async () => Promise.reject(new Error("NOT_LEADER_FOR_PARTITION")))).rejects.toThrow("NOT_LEADER");
    await lazy.send(async (p) => used.push(p));
    expect(made).toHaveLength(2);
    expect(used).toEqual([made[0], made[1]]);
    expect(made[0]!.disconnect).toHaveBeenCalledTimes(1);
    expect(made[1]!.connect).toHaveBeenCalledTimes(1);
  });

  it("a producer that cannot connect is replaced on the next send", async () => {
    const made: ReturnType<typeof fakeProducer>[] = [];
    const lazy = new LazyProducer(() => {
      const p = fakeProducer();
      if (made.length === 0) p.connect.mockRejectedValueOnce(new Error("ECONNREFUSED"));
      made.push(p);
      return p;
    });
    await expect(lazy.send(async () => 1)).rejects.toThrow("ECONNREFUSED");
    await expect(lazy.send(async () => 2)).resolves.toBe(2);
    expect(made).toHaveLength(2);
  });
});
