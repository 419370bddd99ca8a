import type { IdempotencyRecord, IdempotencyStore, StoredResponse } from "../../application/api/idempotency";
import type { Db } from "./prisma-client";

interface Row {
  scope: string;
  request_hash: string;
  response_status: number | null;
  response_body: unknown;
  locked_until: Date | null;
}

const toRecord = (r: Row): IdempotencyRecord => ({
  scope: r.scope,
  requestHash: r.request_hash,
  response: r.response_status === null ? null : { status: r.response_status, body: r.response_body },
  lockedUntil: r.locked_until,
});

export class PrismaIdempotencyRepository implements IdempotencyStore {
  constructor(private readonly db: Db) {}

  async claim(input: { userId: string; key: string; scope: string; requestHash: string; token: string; lockedUntil: Date; expiresAt: Date; now: Date }) {
    // One statement: insert, or replace a record that expired; a live record is left alone.
    const claimed = await this.db.$queryRaw<{ ok: number }[]>`
      INSERT INTO idempotency_keys (user_id, key, scope, request_hash, claim_token, locked_until, created_at, expires_at)
      VALUES (${input.userId}::uuid, ${input.key}, ${input.scope}, ${input.requestHash}, ${input.token}::uuid, ${input.lockedUntil}, ${input.now}, ${input.expiresAt})
      ON CONFLICT (user_id, key) DO UPDATE
        SET scope = EXCLUDED.scope, request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
            claim_token = EXCLUDED.claim_token, locked_until = EXCLUDED.locked_until, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at <= ${input.now}
      RETURNING 1 AS ok`;
    if (claimed.length > 0) return null;
    const record = await this.find(input.userId, input.key);
    // Gone between the two statements (expired and pruned): claim again next round.
    return record ?? { scope: input.scope, requestHash: input.requestHash, response: null, lockedUntil: new Date(0) };
  }

  async takeOver(userId: string, key: string, token: string, now: Date, lockedUntil: Date): Promise<boolean> {
    const n = await this.db.$executeRaw`
      UPDATE idempotency_keys SET locked_until = ${lockedUntil}, claim_token = ${token}::uuid
       WHERE user_id = ${userId}::uuid AND key = ${key} AND response_status IS NULL AND locked_until <= ${now}`;
    return n === 1;
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const rows = await this.db.$queryRaw<Row[]>`
      SELECT scope, request_hash, response_status, response_body, locked_until FROM idempotency_keys
       WHERE user_id = ${userId}::uuid AND key = ${key}`;
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async complete(userId: string, key: string, token: string, response: StoredResponse): Promise<boolean> {
    // Only the claim's holder, and only once: a request whose claim was taken over matches nothing.
    const n = await this.db.$executeRaw`
      UPDATE idempotency_keys SET response_status = ${response.status}, response_body = ${JSON.stringify(response.body ?? null)}::jsonb, locked_until = NULL
       WHERE user_id = ${userId}::uuid AND key = ${key} AND claim_token = ${token}::uuid AND response_status IS NULL`;
    return n === 1;
  }

  async release(userId: string, key: string, token: string): Promise<void> {
    await this.db.$executeRaw`
      DELETE FROM idempotency_keys WHERE user_id = ${userId}::uuid AND key = ${key} AND claim_token = ${token}::uuid AND response_status IS NULL`;
  }
}

