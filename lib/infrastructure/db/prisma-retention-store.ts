import type { Prunable, RetentionStore } from "../../application/maintenance/prune-expired";
import type { PrismaClient } from "./prisma-client";

/**
 * Each batch is one statement: the rows are picked by an index on the rule's
 * column, locked (SKIP LOCKED: a row a request or another worker holds is left
 * for the next run, nobody waits on the pruner) and deleted by their ctid
 * (a TID scan, whatever the table's key). The row locks make the ctids stable
 * until the delete, and a row changed since it was read is checked again
 * against the rule (READ COMMITTED re-checks locked rows), so a guest cart
 * touched meanwhile stays.
 */
export class PrismaRetentionStore implements RetentionStore {
  constructor(private readonly prisma: PrismaClient) {}

  deleteBatch(what: Prunable, cutoff: Date, limit: number, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const db = this.prisma;
    switch (what) {
      case "auth_sessions":
        return db.$executeRaw`DELETE FROM auth_sessions WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM auth_sessions WHERE expires_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "api_sessions":
        // A revoked session stays until it expires: its previous refresh token's hash is how reuse is caught.
        return db.$executeRaw`DELETE FROM api_sessions WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM api_sessions WHERE expires_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "idempotency_keys":
        return db.$executeRaw`DELETE FROM idempotency_keys WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM idempotency_keys WHERE expires_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "guest_carts":
        // A guest's cart is touched (updated_at) by every change (PrismaCartRepository.lockFor); a user's cart is never pruned. Its items go with it (ON DELETE CASCADE).
        return db.$executeRaw`DELETE FROM carts WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM carts WHERE user_id IS NULL AND updated_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "rate_limits":
        // No longer written (counts live in Redis, ADR 012); rows left from before, past their window, go. expire is epoch milliseconds.
        return db.$executeRaw`DELETE FROM rate_limits WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM rate_limits WHERE expire < ${BigInt(cutoff.getTime())} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "processed_events":
        return db.$executeRaw`DELETE FROM processed_events WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM processed_events WHERE processed_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "outgoing_emails":
        // Sent ones only: a pending email is still owed, a failed one is there for an operator to look at.
        // next_attempt_at <= sent_at always (a row is claimed when due): the condition on it lets the (status, next_attempt_at) index find them.
        return db.$executeRaw`DELETE FROM outgoing_emails WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM outgoing_emails WHERE status = 'sent' AND next_attempt_at < ${cutoff} AND sent_at < ${cutoff}
          LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
      case "dead_letters":
        return db.$executeRaw`DELETE FROM dead_letters WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM dead_letters WHERE created_at < ${cutoff} LIMIT ${limit} FOR UPDATE SKIP LOCKED))`;
    }
  }
}
