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

  async isProcessed(consumer: string, eventId: string): Promise<boolean> {
    const row = await this.db.processedEvent.findUnique({
      where: { consumer_eventId: { consumer, eventId } },
      select: { eventId: true },
    });
    return row !== null;
  }
}
