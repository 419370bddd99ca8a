import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { createWorkerAdapters } from "@/lib/composition/worker";
import { inSpan, startTracing, SpanKind, type Tracing } from "@/lib/infrastructure/observability/tracing";
import { startWorker, type RunningWorker } from "@/workers/worker";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, servicesFor, sqlPool } from "../support/fixtures";
import { isolatedTopics } from "../support/kafka";
import { testLogger } from "../support/logger";

/**
 * Traces across the Kafka hop with the real Zipkin server (ADR 013): the
 * worker runs in this process with its tracer exporting to Zipkin; each test
 * writes an event inside a span of its own (as a request would), then reads
 * the trace back from Zipkin's HTTP API.
 */

const ZIPKIN_URL = process.env.ZIPKIN_URL ?? "http://127.0.0.1:9411";

interface ZipkinSpan {
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  tags?: Record<string, string>;
}

let db: TestDatabase;
let pool: pg.Pool;
let topics: Awaited<ReturnType<typeof isolatedTopics>>;
let services: ReturnType<typeof servicesFor>;
let worker: RunningWorker | undefined;
let tracing: Tracing;
const log = testLogger(() => undefined);

const start = async () => {
  worker = await startWorker(services, createWorkerAdapters({ env: services.env, deadLetters: services.worker.deadLetters }, log), log);
};

beforeAll(async () => {
  tracing = await startTracing("storefront-worker", { OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${ZIPKIN_URL}/api/v2/spans` });
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  topics = await isolatedTopics();
  services = servicesFor(db.url, { KAFKA_TOPIC_PREFIX: topics.prefix, OUTBOX_POLL_MS: "50", CONSUMER_MAX_ATTEMPTS: "2", CONSUMER_BACKOFF_MS: "10" });
  await start();
});

afterAll(async () => {
  await worker?.stop();
  await services?.close();
  await topics?.drop();
  await pool?.end();
  await db?.drop();
  await tracing?.shutdown();
});

/** Registers a user inside a span standing in for the request; returns the trace id and the user.registered event's id. */
async function registerTraced(email: string): Promise<{ traceId: string; userId: string }> {
  return inSpan("test request", { kind: SpanKind.SERVER }, async (span) => {
    const user = (await services.auth.registerUser({ email, name: "Traced", password: "a-long-password" }))!;
    return { traceId: span.spanContext().traceId, userId: user.id };
  });
}

async function traceWhere(traceId: string, done: (spans: ZipkinSpan[]) => boolean, what: string): Promise<ZipkinSpan[]> {
  return eventually(
    async () => {
      const res = await fetch(`${ZIPKIN_URL}/api/v2/trace/${traceId}`);
      const spans = res.ok ? ((await res.json()) as ZipkinSpan[]) : [];
      return done(spans) ? spans : undefined;
    },
    60_000,
    what,
  );
}

const consumerSpans = (spans: ZipkinSpan[], group: string) =>
  spans.filter((s) => s.kind === "CONSUMER" && /user\.registered$/.test(s.name) && s.tags?.["messaging.consumer.group.name"] === topics.prefix + group);

describe("traces across Kafka", () => {
  it("a redelivered event is a second consumer span in the same trace, a child of the same publish", async () => {
    const { traceId } = await registerTraced(`redelivered-${randomUUID().slice(0, 8)}@example.com`);
    await traceWhere(traceId, (spans) => consumerSpans(spans, "storefront.notifications").length === 1, "the first delivery's span");

    // The group's commit is lost (as when a consumer dies before committing): the event comes again.
    await worker!.stop();
    worker = undefined;
    const admin = topics.kafka.admin();
    await admin.connect();
    try {
      await admin.resetOffsets({ groupId: `${topics.prefix}storefront.notifications`, topic: `${topics.prefix}user.registered`, earliest: true });
    } finally {
      await admin.disconnect();
    }
    await start();

    const spans = await traceWhere(traceId, (s) => consumerSpans(s, "storefront.notifications").length === 2, "the redelivery's span");
    const [first, second] = consumerSpans(spans, "storefront.notifications");
    const publish = spans.find((s) => s.kind === "PRODUCER" && /user\.registered$/.test(s.name))!;
    expect(publish).toBeDefined();
    expect(first!.parentId).toBe(publish.id);
    expect(second!.parentId).toBe(publish.id);
    expect(first!.id).not.toBe(second!.id);
    // The publish continues the trace of the request that wrote the event (through the outbox row).
    const byId = new Map(spans.map((s) => [s.id, s]));
    const chain: string[] = [];
    for (let p = byId.get(publish.parentId ?? ""); p; p = byId.get(p.parentId ?? "")) chain.push(p.name);
    expect(chain).toContain("test request");
  });

  it("a dead-lettered event's consumer span carries the error", async () => {
    await pool.query(`CREATE FUNCTION refuse_traced() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.recipient LIKE 'doomed-%' THEN RAISE EXCEPTION 'refused for the tracing test'; END IF; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER refuse_traced BEFORE INSERT ON outgoing_emails FOR EACH ROW EXECUTE FUNCTION refuse_traced()`);
    const { traceId } = await registerTraced(`doomed-${randomUUID().slice(0, 8)}@example.com`);

    const spans = await traceWhere(traceId, (s) => consumerSpans(s, "storefront.notifications").some((c) => c.tags?.["storefront.dead_lettered"] === "true"), "the dead-lettered span");
    const failed = consumerSpans(spans, "storefront.notifications").find((c) => c.tags?.["storefront.dead_lettered"] === "true")!;
    expect(failed.tags?.["otel.status_code"]).toBe("ERROR");
    expect(failed.tags?.error).toMatch(/failed 2 times|refused for the tracing test/);
    // The inventory group has no work for a registration; the notifications group's failure is the whole story.
    expect(spans.some((s) => s.kind === "PRODUCER")).toBe(true);
  });
});
