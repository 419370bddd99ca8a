import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { Partitioners, type Admin } from "kafkajs";
import { makeReadiness } from "@/lib/infrastructure/health/readiness";
import { collectConsumerLag } from "@/lib/infrastructure/kafka/consumer-lag";
import { TOPIC_SPECS } from "@/lib/infrastructure/kafka/topics";
import { createWorkerMetrics, MetricsRegistry } from "@/lib/infrastructure/observability/metrics";
import { startWorkerHttpServer, type WorkerHttpServer } from "@/workers/http-server";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";
import { isolatedTopics, KAFKA_BROKERS } from "../support/kafka";
import { testLogger } from "../support/logger";

/**
 * The worker's HTTP server over real HTTP, with a real registry and readiness
 * checks against real PostgreSQL and Kafka; and consumer lag read from the
 * real broker for offsets committed on purpose.
 */

let db: TestDatabase;
let pool: pg.Pool;
let topics: Awaited<ReturnType<typeof isolatedTopics>>;
let admin: Admin;
const servers: WorkerHttpServer[] = [];
const logged: { info: string[]; error: string[] } = { info: [], error: [] };
const log = testLogger((level, text) => void (level === "info" ? logged.info.push(text) : level === "error" && logged.error.push(text)));

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  topics = await isolatedTopics();
  admin = topics.kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await admin
    ?.deleteGroups([`${topics.prefix}lag-a`, `${topics.prefix}lag-b`])
    .catch(() => undefined);
  await admin?.disconnect();
  await topics?.drop();
  await pool?.end();
  await db?.drop();
});

async function start(options: Partial<Parameters<typeof startWorkerHttpServer>[0]> = {}) {
  const server = await startWorkerHttpServer({
    port: 0,
    host: "127.0.0.1",
    metrics: new MetricsRegistry({ log }),
    health: async () => ({ ok: true, checks: {} }),
    log,
    ...options,
  });
  servers.push(server);
  return { server, url: (path: string) => `http://127.0.0.1:${server.port}${path}` };
}

/** Readiness as the worker would wire it: PostgreSQL and Kafka, each checked for real. */
function healthOf(brokers: string[]) {
  const ready = makeReadiness({ pool, kafka: { brokers }, clientId: "worker-http-test", timeoutMs: 1_000 });
  return async () => {
    const checks = await ready();
    return { ok: checks.postgres.ok && checks.kafka.ok, checks };
  };
}

describe("worker HTTP server", () => {
  it("answers liveness with 200 and binds a real port when asked for port 0", async () => {
    const { server, url } = await start();
    expect(server.port).toBeGreaterThan(0);
    const res = await fetch(url("/health/live"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({ status: "ok" });
    expect(logged.info).toContain(`health and metrics on port ${server.port}`);
  });

  it("is ready (200) when PostgreSQL and Kafka answer, and unavailable (503) when Kafka does not", async () => {
    const good = await start({ health: healthOf(KAFKA_BROKERS) });
    const ok = await fetch(good.url("/health/ready"));
    expect(ok.status).toBe(200);
    const okBody = (await ok.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(okBody.status).toBe("ok");
    expect(okBody.checks.postgres?.ok).toBe(true);
    expect(okBody.checks.kafka?.ok).toBe(true);

    // Port 1 on loopback: nothing listens there, so the broker check is refused.
    const bad = await start({ health: healthOf(["127.0.0.1:1"]) });
    const down = await fetch(bad.url("/health/ready"));
    expect(down.status).toBe(503);
    const downBody = (await down.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
    expect(downBody.status).toBe("unavailable");
    expect(downBody.checks.postgres?.ok).toBe(true);
    expect(downBody.checks.kafka?.ok).toBe(false);
    expect(downBody.checks.kafka?.error).toBeTruthy();
  });

  it("answers 503 when the health check throws or does not answer within 2 s", async () => {
    const throwing = await start({
      health: async () => {
        throw new Error("pool exhausted");
      },
    });
    const res = await fetch(throwing.url("/health/ready"));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", checks: { readiness: { ok: false, error: "pool exhausted" } } });

    const hanging = await start({ health: () => new Promise(() => undefined) });
    const started = Date.now();
    const slow = await fetch(hanging.url("/health/ready"));
    const took = Date.now() - started;
    expect(slow.status).toBe(503);
    expect(await slow.json()).toEqual({ status: "unavailable", checks: { readiness: { ok: false, error: "no answer within 2000 ms" } } });
    expect(took).toBeGreaterThanOrEqual(1_900);
    expect(took).toBeLessThan(5_000);
    expect(logged.error.some((m) => m.includes("readiness check failed: Error: pool exhausted"))).toBe(true);
  });

  it("serves the registry at /metrics in the text format 0.0.4, collectors included", async () => {
    const metrics = createWorkerMetrics(new MetricsRegistry({ log }));
    metrics.eventsProcessed.inc({ group: "storefront.inventory.order-created", topic: "order.created" }, 3);
    metrics.handlerSeconds.observe({ group: "g", topic: "t" }, 0.2);
    let scrapes = 0;
    metrics.registry.onCollect(() => metrics.consumerLag.set({ group: "g", topic: "t", partition: "0" }, ++scrapes));
    const { url } = await start({ metrics: metrics.registry });

    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const body = await res.text();
    expect(body).toContain(
      '# TYPE storefront_worker_events_processed_total counter\nstorefront_worker_events_processed_total{group="storefront.inventory.order-created",topic="order.created"} 3\n',
    );
    expect(body).toContain('storefront_worker_event_handler_seconds_bucket{le="0.25",group="g",topic="t"} 1\n');
    expect(body).toContain('storefront_worker_consumer_lag{group="g",topic="t",partition="0"} 1\n');
    expect(body.endsWith("\n")).toBe(true);

    const head = await fetch(url("/metrics"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await head.text()).toBe("");
  });

  it("answers 500 with a short text when rendering fails", async () => {
    const { url } = await start({
      metrics: {
        contentType: "text/plain",
        render: async () => {
          throw new Error("registry broken");
        },
      },
    });
    const res = await fetch(url("/metrics"));
    expect(res.status).toBe(500);
    expect(await res.text()).toBe("metrics unavailable\n");
    expect(logged.error).toContain("rendering metrics failed: Error: registry broken");
  });

  it("answers 404 for other paths and 405 with Allow for other methods", async () => {
    const { url } = await start();
    const missing = await fetch(url("/nope"));
    expect(missing.status).toBe(404);
    await missing.text();
    expect((await fetch(url("/health/live?verbose=1"))).status).toBe(200);
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await fetch(url("/metrics"), { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      await res.text();
    }
  });

  it("close() stops accepting, lets a request in flight finish and does not wait for idle keep-alive connections", async () => {
    const options = { port: 0, host: "127.0.0.1", metrics: new MetricsRegistry({ log }), log };
    const idle = await startWorkerHttpServer({ ...options, health: async () => ({ ok: true, checks: {} }) });
    const liveUrl = `http://127.0.0.1:${idle.port}/health/live`;
    // fetch keeps this connection open for reuse.
    expect((await fetch(liveUrl)).status).toBe(200);
    let started = Date.now();
    await idle.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(fetch(liveUrl)).rejects.toThrow();
    await idle.close(); // twice is fine

    // A readiness check that will time out (2 s) is in flight while the server closes.
    const busy = await startWorkerHttpServer({ ...options, health: () => new Promise(() => undefined) });
    const inFlight = fetch(`http://127.0.0.1:${busy.port}/health/ready`);
    await new Promise((r) => setTimeout(r, 100));
    started = Date.now();
    const closed = busy.close();
    const res = await inFlight;
    expect(res.status).toBe(503);
    await res.text();
    await closed;
    expect(Date.now() - started).toBeLessThan(3_500);
  });

  it("close() cuts connections that stay open past the grace period", async () => {
    const server = await startWorkerHttpServer({ port: 0, host: "127.0.0.1", metrics: new MetricsRegistry({ log }), health: async () => ({ ok: true, checks: {} }), log });
    // Connected but never sending a request: not idle to node, so only the cut ends it.
    const socket = connect(server.port, "127.0.0.1");
    await new Promise<void>((resolve) => socket.once("connect", resolve));
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(4_000);
    await ended;
    expect(socket.destroyed).toBe(true);
  });
});

describe("consumer lag", () => {
  it("reports per partition the messages a group has not committed, from the real broker", async () => {
    const topic = `${topics.prefix}order.created`;
    const partitions = TOPIC_SPECS.find((s) => s.topic === "order.created")!.numPartitions;
    // Partition p gets p + 2 messages: 2, 3, 4, 5, 6, 7.
    const perPartition = Array.from({ length: partitions }, (_, p) => p + 2);
    const total = perPartition.reduce((a, b) => a + b, 0);
    const producer = topics.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      await producer.send({
        topic,
        messages: perPartition.flatMap((count, partition) =>
          Array.from({ length: count }, (_, i) => ({ partition, key: `k${partition}`, value: `m${partition}-${i}` })),
        ),
      });
    } finally {
      await producer.disconnect();
    }

    // Group a: committed 1 on partition 0, all 4 of partition 2, 0 on partition 3; nothing elsewhere.
    const groupA = `${topics.prefix}lag-a`;
    const committed = new Map([
      [0, 1],
      [2, 4],
      [3, 0],
    ]);
    await admin.setOffsets({
      groupId: groupA,
      topic,
      partitions: [...committed].map(([partition, offset]) => ({ partition, offset: String(offset) })),
    });
    // Group b never committed: it starts from the beginning, so its lag is everything.
    const groupB = `${topics.prefix}lag-b`;

    const metrics = createWorkerMetrics(new MetricsRegistry({ log }));
    // A series from an earlier reading that no longer exists must go.
    metrics.consumerLag.set({ group: "gone", topic, partition: "9" }, 5);
    await collectConsumerLag(admin, [{ group: groupA, topics: [topic] }, { group: groupB, topics: [topic] }], metrics.consumerLag);

    const lagOf = (group: string, partition: number) => metrics.consumerLag.get({ group, topic, partition: String(partition) });
    const lagsOf = (group: string) => Promise.all(perPartition.map((_, p) => lagOf(group, p)));
    const expectedA = perPartition.map((count, p) => count - (committed.get(p) ?? 0));
    expect(await lagsOf(groupA)).toEqual(expectedA);
    expect(expectedA).toEqual([1, 3, 0, 5, 6, 7]);
    const committedTotal = [...committed.values()].reduce((a, b) => a + b, 0);
    expect(expectedA.reduce((a, b) => a + b, 0)).toBe(total - committedTotal);
    expect(await lagsOf(groupB)).toEqual(perPartition);
    expect(await metrics.consumerLag.get({ group: "gone", topic, partition: "9" })).toBe(0);

    // Over HTTP, as Prometheus sees it, with the lag read at scrape time.
    metrics.registry.onCollect((signal) =>
      collectConsumerLag(admin, [{ group: groupA, topics: [topic] }, { group: groupB, topics: [topic] }], metrics.consumerLag, signal),
    );
    const { url } = await start({ metrics: metrics.registry });
    const body = await (await fetch(url("/metrics"))).text();
    const lagLines = body.split("\n").filter((l) => l.startsWith("storefront_worker_consumer_lag{"));
    expect(lagLines).toEqual([
      ...expectedA.map((lag, p) => `storefront_worker_consumer_lag{group="${groupA}",topic="${topic}",partition="${p}"} ${lag}`),
      ...perPartition.map((lag, p) => `storefront_worker_consumer_lag{group="${groupB}",topic="${topic}",partition="${p}"} ${lag}`),
    ]);

    // Records deleted by retention are nobody's lag: an uncommitted group counts from the low watermark.
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 5, offset: "3" }] });
    await collectConsumerLag(admin, [{ group: groupB, topics: [topic] }], metrics.consumerLag);
    expect(await lagOf(groupB, 5)).toBe(7 - 3);
    expect(await lagOf(groupB, 4)).toBe(6);
    // Only group b was asked for this time.
    expect(await lagOf(groupA, 1)).toBe(0);
  });

  it("empties the gauge and throws, with the cause, when offsets cannot be read", async () => {
    const metrics = createWorkerMetrics(new MetricsRegistry({ log }));
    metrics.consumerLag.set({ group: "g", topic: "t", partition: "0" }, 3);
    const missingTopic = `${topics.prefix}no-such-topic`;
    const error = await collectConsumerLag(admin, [{ group: `${topics.prefix}lag-b`, topics: [missingTopic] }], metrics.consumerLag).catch(
      (e: unknown) => e as Error & { cause?: unknown },
    );
    expect(error).toBeInstanceOf(Error);
    // Both requests fail; whichever is first names its part.
    expect([`reading the offsets of topic ${missingTopic} failed`, `reading the committed offsets of group ${topics.prefix}lag-b failed`]).toContain(
      (error as Error).message,
    );
    expect((error as Error & { cause?: unknown }).cause).toBeInstanceOf(Error);
    expect(await metrics.consumerLag.get({ group: "g", topic: "t", partition: "0" })).toBe(0);
  });
});
