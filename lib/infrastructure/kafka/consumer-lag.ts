import type { Admin } from "kafkajs";
import type { Gauge } from "../observability/metrics";
import { abortable } from "./abortable";

function offset(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`unexpected ${what} offset ${JSON.stringify(value)}`);
  return n;
}

/**
 * Sets `gauge` to each group's lag per {group, topic, partition}: the high
 * watermark minus the group's committed offset. A partition the group has not
 * committed on yet counts from its low watermark, where the groups start; so
 * does a committed offset retention has already deleted past.
 *
 * Every offset is read before the gauge changes; the gauge is then reset and
 * refilled, so vanished partitions and groups disappear. When reading fails the
 * gauge is emptied rather than left showing old numbers as if current, and the
 * error is thrown (an aborted call leaves the gauge as it was).
 */
export async function collectConsumerLag(
  admin: Admin,
  groups: readonly { group: string; topics: readonly string[] }[],
  gauge: Gauge,
  signal?: AbortSignal,
): Promise<void> {
  const watermarks = new Map<string, Promise<{ partition: number; high: number; low: number }[]>>();
  // Several groups read the same topics: one request per topic per collection.
  const watermarksOf = (topic: string) => {
    let found = watermarks.get(topic);
    if (!found) {
      found = admin.fetchTopicOffsets(topic).then(
        (partitions) =>
          partitions
            .map((p) => ({ partition: p.partition, high: offset(p.high, "high watermark"), low: offset(p.low, "low watermark") }))
            .sort((a, b) => a.partition - b.partition),
        (error: unknown) => {
          throw new Error(`reading the offsets of topic ${topic} failed`, { cause: error });
        },
      );
      // Awaited below; a rejection must not surface as unhandled while another request is pending.
      found.catch(() => undefined);
      watermarks.set(topic, found);
    }
    return found;
  };

  let readings: { group: string; topic: string; partition: number; lag: number }[];
  try {
    const perGroup = await Promise.all(
      groups.map(async ({ group, topics }) => {
        if (topics.length === 0) return [];
        const [committed, ...ends] = await abortable(
          Promise.all([
            admin.fetchOffsets({ groupId: group, topics: [...topics] }).catch((error: unknown) => {
              throw new Error(`reading the committed offsets of group ${group} failed`, { cause: error });
            }),
            ...topics.map(watermarksOf),
          ]),
          signal,
        );
        return topics.flatMap((topic, i) => {
          const commits = committed.find((c) => c.topic === topic)?.partitions ?? [];
          return ends[i]!.map(({ partition, high, low }) => {
            const raw = commits.find((c) => c.partition === partition)?.offset;
            // -1: nothing committed yet.
            const done = raw === undefined ? -1 : offset(raw, "committed");
            const from = Math.max(done, low);
            return { group, topic, partition, lag: Math.max(0, high - from) };
          });
        });
      }),
    );
    readings = perGroup.flat();
  } catch (error) {
    // An abandoned scrape says nothing about Kafka: keep what the last reading found.
    if (!signal?.aborted) gauge.reset();
    throw error;
  }

  gauge.reset();
  for (const r of readings) gauge.set({ group: r.group, topic: r.topic, partition: String(r.partition) }, r.lag);
}
