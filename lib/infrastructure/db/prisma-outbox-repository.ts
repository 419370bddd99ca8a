import type { OutboxRelayStore } from "../../application/outbox/relay-outbox";
import type { DomainEvent, EventPayload, Topic } from "../../domain/events";
import { AppError } from "../../domain/errors";
import type { Db, PrismaClient } from "./prisma-client";

/** Writes outbox rows inside the caller's transaction. */
export class PrismaOutboxWriter {
  constructor(private readonly db: Db) {}

  async append(event: DomainEvent): Promise<void> {
    await this.db.outboxEvent.create({
      data: {
        id: event.id,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId,
        type: event.type,
        schemaVersion: event.version,
        payload: event.payload as object,
        createdAt: event.occurredAt,
      },
      select: { id: true },
    });
  }
}

type OutboxRow = {
  id: string;
  aggregate_type: string;
  aggregate_id: string;
  type: string;
  schema_version: number;
  payload: unknown;
  created_at: Date;
};

export class PrismaOutboxRelayStore implements OutboxRelayStore {
  constructor(private readonly prisma: PrismaClient) {}

  async withUnsentBatch(
    limit: number,
    publish: (events: readonly DomainEvent[]) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<number> {
    let failure: unknown;
    const sent = await this.prisma.$transaction(
      async (tx) => {
        // SKIP LOCKED: several relays can run at once; each takes different rows.
        const rows = await tx.$queryRaw<OutboxRow[]>`
          SELECT id, aggregate_type, aggregate_id, type, schema_version, payload, created_at
          FROM outbox_events WHERE sent_at IS NULL
          ORDER BY created_at, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`;
        if (rows.length === 0) return 0;
        signal?.throwIfAborted();
        const events = rows.map(
          (r): DomainEvent => ({
            id: r.id,
            type: r.type as Topic,
            version: r.schema_version,
            aggregateType: r.aggregate_type,
            aggregateId: r.aggregate_id,
            occurredAt: r.created_at,
            payload: r.payload as EventPayload<Topic>,
          }),
        );
        try {
          await publish(events);
        } catch (error) {
          // Keep the rows unsent but note the attempt, so a stuck event is visible.
          failure = error;
          await tx.outboxEvent.updateMany({
            where: { id: { in: rows.map((r) => r.id) } },
            data: { attempts: { increment: 1 }, lastError: String((error as Error)?.message ?? error).slice(0, 1000) },
          });
          return 0;
        }
        await tx.outboxEvent.updateMany({
          where: { id: { in: rows.map((r) => r.id) } },
          data: { sentAt: new Date(), attempts: { increment: 1 }, lastError: null },
        });
        return rows.length;
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    if (failure !== undefined) throw new AppError("unavailable", "publishing an outbox batch failed", { cause: failure });
    return sent;
  }
}
