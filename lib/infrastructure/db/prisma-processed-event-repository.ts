import type { ProcessedEvents } from "../../application/shared";
import type { Db } from "./prisma-client";

export class PrismaProcessedEventRepository implements ProcessedEvents {
  constructor(private readonly db: Db) {}

  async markProcessed(consumer: string, eventId: string): Promise<boolean> {
    // A concurrent duplicate blocks on the first insert's key until that
    // transaction ends, then inserts nothing: exactly one of them wins.
    const inserted = await this.db.$executeRaw`
      INSERT INTO processed_events (consumer, event_id, processed_at)
      VALUES (${consumer}, ${eventId}::uuid, now())
      ON CONFLICT (consumer, event_id) DO NOTHING`;
    return inserted === 1;
  }

  /**
   * Marks many events handled in one statement; returns the ids that were not
   * marked before (the others are redeliveries). Ids are inserted in sorted
   * order, so two transactions marking overlapping sets wait on each other in
   * the same order instead of deadlocking.
   */
  async markProcessedMany(consumer: string, eventIds: readonly string[]): Promise<ReadonlySet<string>> {
    if (eventIds.length === 0) return new Set();
    const ids = [...new Set(eventIds)].sort();
    const rows = await this.db.$queryRaw<{ event_id: string }[]>`
      INSERT INTO processed_events (consumer, event_id, processed_at)
      SELECT ${consumer}, id, now() FROM unnest(${ids}::uuid[]) WITH ORDINALITY AS e(id, n) ORDER BY n
      ON CONFLICT (consumer, event_id) DO NOTHING
      RETURNING event_id::text`;
    return new Set(rows.map((r) => r.event_id));
  }

  async isProcessed(consumer: string, eventId: string): Promise<boolean> {
    const row = await this.db.processedEvent.findUnique({
      where: { consumer_eventId: { consumer, eventId } },
      select: { eventId: true },
    });
    return row !== null;
  }
}
