import type { Admin, ITopicConfig } from "kafkajs";
import { describe, expect, it } from "vitest";
import { ensureTopics, type TopicSpec } from "./topics";

const specs: readonly TopicSpec[] = [{ topic: "order.created", numPartitions: 2 }];

/** An admin that knows no topics at first and records what it is asked to create. */
function fakeAdmin() {
  const created: ITopicConfig[] = [];
  const admin = {
    listTopics: async () => created.map((t) => t.topic),
    createTopics: async ({ topics }: { topics: ITopicConfig[] }) => {
      created.push(...topics);
      return true;
    },
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
      topics: topics.map((name) => {
        const n = created.find((t) => t.topic === name)?.numPartitions ?? 0;
        return { name, partitions: Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 })) };
      }),
    }),
  };
  return { admin: admin as unknown as Admin, created };
}

describe("ensureTopics' min.insync.replicas", () => {
  it("sets no topic config when it is not given, as before", async () => {
    const { admin, created } = fakeAdmin();
    await ensureTopics(admin, { specs, replicationFactor: 1 });
    expect(created.map((t) => t.topic)).toEqual(["order.created", "order.created.dlq"]);
    expect(created.every((t) => t.configEntries === undefined)).toBe(true);
  });

  it("gives every created topic and its dead-letter topic min.insync.replicas when it is", async () => {
    const { admin, created } = fakeAdmin();
    const result = await ensureTopics(admin, { specs, prefix: "t1.", replicationFactor: 3, minInsyncReplicas: 2 });
    expect(result.created).toEqual(["t1.order.created", "t1.order.created.dlq"]);
    for (const t of created) {
      expect(t.replicationFactor).toBe(3);
      expect(t.configEntries).toEqual([{ name: "min.insync.replicas", value: "2" }]);
    }
  });

  it("refuses a value below 1 before asking the broker anything", async () => {
    const { admin, created } = fakeAdmin();
    await expect(ensureTopics(admin, { specs, minInsyncReplicas: 0 })).rejects.toThrow(/minInsyncReplicas/);
    expect(created).toEqual([]);
  });
});
