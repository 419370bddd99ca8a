import type { OutboxRelayStore, RelayBatch } from "../../application/outbox/relay-outbox";
import type { DomainEvent, EventPayload, Topic } from "../../domain/events";
import { AppError } from "../../domain/errors";
import { carryTraceparent, traceparentFor } from "../observability/tracing";
import type { Db, PrismaClient } from "./prisma-client";

/** Writes outbox rows inside the caller's transaction. */
export class PrismaOutboxWriter {
  constructor(private readonly db: Db) {}

  async append(event: DomainEvent): Promise<void> {
    await this.db.$executeRaw`
      INSERT INTO outbox_events (id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, trace_context)
      VALUES (${event.id}::uuid, ${event.aggregateType}, ${event.aggregateId}, ${event.type}, ${event.version},
              ${JSON.stringify(event.payload)}::jsonb, ${event.occurredAt}, ${traceparentFor({ aggregateId: event.aggregateId }) ?? null})`;
  }

  appendMany(events: readonly DomainEvent[]): Promise<void> {
    return appendOutboxEvents(this.db, events);
  }
}

/**
 * Writes many outbox rows in one statement, in the given order (seq follows
 * it, so one aggregate's events keep their order). Raw SQL over arrays: a
 * batch's rows are written while it holds its product locks, and the ORM's
 * per-row work for a few hundred JSON payloads cost more than the insert.
 * Each row keeps the traceparent of the trace its aggregate is part of
 * (a batch handler writes for many traces at once).
 */
export async function appendOutboxEvents(db: Db, events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.$executeRaw`
    INSERT INTO outbox_events (id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, trace_context)
    SELECT id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, trace_context
    FROM unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.aggregateType)}::text[], ${events.map((e) => e.aggregateId)}::text[],
                ${events.map((e) => e.type)}::text[], ${events.map((e) => e.version)}::int[], ${events.map((e) => JSON.stringify(e.payload))}::jsonb[],
                ${events.map((e) => e.occurredAt.toISOString())}::timestamptz[], ${events.map((e) => traceparentFor({ aggregateId: e.aggregateId }) ?? null)}::text[])
         WITH ORDINALITY AS e(id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, trace_context, n)
    ORDER BY n`;
}

type OutboxRow = {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  type: string;
  schema_version: number;
  payload: unknown;
  created_at: Date;
  seq: bigint;
  trace_context: string | null;
};

export class PrismaOutboxRelayStore implements OutboxRelayStore {
  constructor(
    private readonly prisma: PrismaClient,
    /** Upper bound on holding claimed rows while the broker answers. */
    private readonly publishTimeoutMs = 30_000,
  ) {}

  async withUnsentBatch(
    limit: number,
    publish: (events: readonly DomainEvent[]) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<RelayBatch> {
    let failure: unknown;
    const result = await this.prisma.$transaction(
      async (tx): Promise<RelayBatch> => {
        // SKIP LOCKED: several relays run at once; each claims different rows
        // and none waits for another. seq is commit order per aggregate.
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, aggregate_type, aggregate_id, type, schema_version, payload, created_at, seq, trace_context
          FROM outbox_events WHERE sent_at IS NULL
          ORDER BY seq
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return { sent: 0, held: 0 };
        signal?.throwIfAborted();
        // Per-aggregate order across relays: an unsent event of the same
        // aggregate that is not ours (another relay holds it, or it lies past
        // our limit) must go first; our events after it wait for a later batch.
        const aggregates = [...new Set(rows.map((r) => r.aggregate_id))];
        const ids = rows.map((r) => r.id);
        const foreign = await tx.$queryRaw<{ aggregate_id: string; first: bigint }[]>`
          SELECT aggregate_id, min(seq) AS first FROM outbox_events
          WHERE sent_at IS NULL AND aggregate_id = ANY(${aggregates}::text[]) AND NOT (id = ANY(${ids}::uuid[]))
          GROUP BY aggregate_id`;
        const firstForeign = new Map(foreign.map((f) => [f.aggregate_id, f.first]));
        const ready = rows.filter((r) => {
          const first = firstForeign.get(r.aggregate_id);
          return first === undefined || r.seq < first;
        });
        const held = rows.length - ready.length;
        if (ready.length === 0) return { sent: 0, held };
        const events = ready.map(
          (r): DomainEvent =>
            carryTraceparent(
              {
                id: r.id,
                type: r.type as Topic,
                version: r.schema_version,
                aggregateType: r.aggregate_type,
                aggregateId: r.aggregate_id,
                occurredAt: r.created_at,
                payload: r.payload as EventPayload<Topic>,
              },
              r.trace_context,
            ),
        );
        const readyIds = ready.map((r) => r.id);
        try {
          await withTimeout(publish(events), this.publishTimeoutMs, "the broker did not acknowledge the batch in time");
        } catch (error) {
          // Keep the rows unsent but note the attempt, so a stuck event is visible.
          failure = error;
          await tx.outboxEvent.updateMany({
            where: { id: { in: readyIds } },
            data: { attempts: { increment: 1 }, lastError: String((error as Error)?.message ?? error).slice(0, 1000) },
          });
          return { sent: 0, held };
        }
        // One array parameter rather than the ORM's IN list of a parameter per id: batches are hundreds of rows.
        await tx.$executeRaw`
          UPDATE outbox_events SET sent_at = ${new Date()}, attempts = attempts + 1, last_error = NULL
          WHERE id = ANY(${readyIds}::uuid[])`;
        return { sent: ready.length, held };
      },
      { timeout: this.publishTimeoutMs + 30_000, maxWait: 10_000 },
    );
    if (failure !== undefined) throw new AppError("unavailable", "publishing an outbox batch failed", { cause: failure });
    return result;
  }

  async pruneSent(sentBefore: Date, limit: number, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    // SKIP LOCKED: two workers pruning at once take different rows.
    return this.prisma.$executeRaw`
      DELETE FROM outbox_events WHERE id IN (
        SELECT id FROM outbox_events WHERE sent_at < ${sentBefore}
        ORDER BY sent_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)`;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError("unavailable", message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
