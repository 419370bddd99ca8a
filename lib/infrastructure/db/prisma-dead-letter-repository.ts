import type { DeadLetter, DeadLetters } from "../../application/shared";
import { mapDbError } from "./errors";
import type { Db } from "./prisma-client";

/** The raw value is kept up to 64 KiB (the table's rule). */
export const MAX_DEAD_LETTER_PAYLOAD = 64 * 1024;

/** PostgreSQL text cannot hold NUL; a binary poison message must still be recordable. */
function storable(text: string, max: number): string {
  return text.replace(/\u0000/g, "\uFFFD").slice(0, max);
}

/**
 * dead_letters: what consumers gave up on. A redelivery of the same message
 * (the consumer crashed, or the group rebalanced, after recording it but
 * before committing its offset; during a rebalance two members may briefly
 * handle one partition) records nothing new: the unique key decides.
 */
export class PrismaDeadLetterRepository implements DeadLetters {
  constructor(private readonly db: Db) {}

  async record(letter: DeadLetter): Promise<void> {
    const topic = storable(letter.topic, 128);
    const consumer = storable(letter.consumer, 64);
    const eventId = letter.eventId === null ? null : storable(letter.eventId, 64);
    // JSON.stringify writes NUL as \u0000, which jsonb refuses too.
    const headers = JSON.stringify(letter.headers).replace(/\\u0000/g, "\\ufffd");
    try {
      await this.db.$executeRaw`
        INSERT INTO dead_letters (id, topic, partition, "offset", consumer, event_id, error, headers, payload, created_at)
        VALUES (gen_random_uuid(), ${topic}, ${letter.partition}, ${letter.offset}, ${consumer}, ${eventId},
                ${storable(letter.error, 10_000)}, ${headers}::jsonb, ${storable(letter.payload, MAX_DEAD_LETTER_PAYLOAD)}, now())
        ON CONFLICT (topic, partition, "offset", consumer) DO NOTHING`;
    } catch (error) {
      mapDbError(error, "record dead letter");
    }
  }
}
