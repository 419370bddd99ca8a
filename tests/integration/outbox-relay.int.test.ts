import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type pg from "pg";
import { makeEvent, type DomainEvent } from "@/lib/domain/events";
import { createPrismaClient, type PrismaClient } from "@/lib/infrastructure/db/prisma-client";
import { PrismaOutboxRelayStore, PrismaOutboxWriter } from "@/lib/infrastructure/db/prisma-outbox-repository";
import { PgWakeup } from "@/lib/infrastructure/db/pg-wakeup";
import { makePruneOutbox } from "@/lib/application/outbox/relay-outbox";
import { runRelay } from "@/workers/relay";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { sqlPool } from "../support/fixtures";
import { testLogger } from "../support/logger";

let db: TestDatabase;
let pool: pg.Pool;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
  prisma = createPrismaClient(db.url, { poolSize: 12 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await pool?.end();
  await db?.drop();
});

function inventoryEvent(aggregateId: string, n: number): DomainEvent {
  return makeEvent("inventory.updated", {
    id: randomUUID(),
    aggregateType: "order",
    aggregateId,
    occurredAt: new Date(),
    payload: { reason: "reservation", orderId: aggregateId, changes: [{ productId: aggregateId, variantId: aggregateId, delta: -n, stock: n }] },
  });
}

/** Writes `perAggregate` events for each aggregate, interleaved, one transaction each (as use cases do). */
async function writeInterleaved(aggregates: string[], perAggregate: number): Promise<Map<string, string[]>> {
  const order = new Map<string, string[]>(aggregates.map((a) => [a, []]));
  for (let n = 0; n < perAggregate; n++) {
    for (const a of aggregates) {
      const event = inventoryEvent(a, n + 1);
      await prisma.$transaction((tx) => new PrismaOutboxWriter(tx).append(event));
      order.get(a)!.push(event.id);
    }
  }
  return order;
}

describe("outbox relay", () => {
  it("four relays at once publish every event once, each aggregate's events in commit order", async () => {
    await pool.query(`DELETE FROM outbox_events`);
    const aggregates = Array.from({ length: 12 }, () => randomUUID());
    const written = await writeInterleaved(aggregates, 8);
    const store = new PrismaOutboxRelayStore(prisma);
    const published: DomainEvent[] = [];
    let held = 0;
    // Small batches and a slow "broker" so the relays really overlap.
    const relay = async () => {
      for (;;) {
        const r = await store.withUnsentBatch(5, async (events) => {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
          published.push(...events);
        });
        held += r.held;
        if (r.sent === 0 && r.held === 0) return;
        if (r.sent === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    await Promise.all([relay(), relay(), relay(), relay()]);

    expect(published).toHaveLength(96);
    expect(new Set(published.map((e) => e.id)).size).toBe(96);
    for (const a of aggregates) {
      expect(published.filter((e) => e.aggregateId === a).map((e) => e.id)).toEqual(written.get(a));
    }
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox_events WHERE sent_at IS NULL`);
    expect(rows[0]!.n).toBe(0);
    // The ordering guard did have to hold events back (otherwise this test proves little).
    expect(held).toBeGreaterThan(0);
  });

  it("holds back an aggregate's later events while another relay holds an earlier one", async () => {
    await pool.query(`DELETE FROM outbox_events`);
    const aggregate = randomUUID();
    const other = randomUUID();
    const written = await writeInterleaved([aggregate, other], 2); // a1, o1, a2, o2
    const store = new PrismaOutboxRelayStore(prisma);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first: string[] = [];
    // Relay 1 claims only the first row (a1) and waits.
    const holding = store.withUnsentBatch(1, async (events) => {
      first.push(...events.map((e) => e.id));
      await gate;
    });
    await new Promise((r) => setTimeout(r, 300));
    const second: string[] = [];
    const r2 = await store.withUnsentBatch(10, async (events) => void second.push(...events.map((e) => e.id)));
    release();
    await holding;
    expect(first).toEqual([written.get(aggregate)![0]]);
    // Relay 2 sends the other aggregate's events but not a2, which must follow a1.
    expect(second).toEqual(written.get(other));
    expect(r2).toEqual({ sent: 2, held: 1 });
    const r3: string[] = [];
    await store.withUnsentBatch(10, async (events) => void r3.push(...events.map((e) => e.id)));
    expect(r3).toEqual([written.get(aggregate)![1]]);
  });

  it("wakes on NOTIFY when an event commits, long before its poll interval", async () => {
    await pool.query(`DELETE FROM outbox_events`);
    const wakeup = new PgWakeup({ databaseUrl: db.url, channels: ["outbox_events"], applicationName: "test-relay-wakeup", log: testLogger().warn });
    await wakeup.start();
    const store = new PrismaOutboxRelayStore(prisma);
    const published: { id: string; at: number }[] = [];
    const stop = new AbortController();
    const loop = runRelay((limit, signal) => store.withUnsentBatch(limit, async (events) => void published.push(...events.map((e) => ({ id: e.id, at: Date.now() }))), signal), {
      batchSize: 50,
      pollMs: 60_000, // no poll would come in this test's lifetime
      wakeup,
      signal: stop.signal,
      log: (m) => console.warn(m),
    });
    await new Promise((r) => setTimeout(r, 300)); // the relay drained and sleeps
    const event = inventoryEvent(randomUUID(), 1);
    const committedAt = Date.now();
    await prisma.$transaction((tx) => new PrismaOutboxWriter(tx).append(event));
    const deadline = Date.now() + 5_000;
    while (!published.some((p) => p.id === event.id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    stop.abort();
    await loop;
    await wakeup.close();
    const hit = published.find((p) => p.id === event.id);
    expect(hit, "published after NOTIFY").toBeDefined();
    expect(hit!.at - committedAt).toBeLessThan(2_000);
  });

  it("prunes sent events older than the retention period, and nothing else", async () => {
    await pool.query(`DELETE FROM outbox_events`);
    await writeInterleaved([randomUUID()], 5);
    const store = new PrismaOutboxRelayStore(prisma);
    await store.withUnsentBatch(3, async () => undefined); // 3 sent, 2 unsent
    await pool.query(`UPDATE outbox_events SET sent_at = now() - interval '8 days' WHERE id IN (SELECT id FROM outbox_events WHERE sent_at IS NOT NULL ORDER BY seq LIMIT 2)`);
    const prune = makePruneOutbox({ store, clock: { now: () => new Date() }, retentionMs: 7 * 24 * 3_600_000 });
    expect(await prune(1)).toBe(2); // two rounds of one
    const { rows } = await pool.query<{ sent: number; unsent: number }>(
      `SELECT count(*) FILTER (WHERE sent_at IS NOT NULL)::int AS sent, count(*) FILTER (WHERE sent_at IS NULL)::int AS unsent FROM outbox_events`,
    );
    expect(rows[0]).toEqual({ sent: 1, unsent: 2 });
  });
});
