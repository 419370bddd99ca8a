import { setTimeout as delay } from "node:timers/promises";
import { AppError } from "../../domain/errors";
import type { Clock, IdGenerator, Logger } from "../shared";

/** A response as the API sent it, kept to be replayed. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyRecord {
  scope: string;
  requestHash: string;
  response: StoredResponse | null;
  lockedUntil: Date | null;
}

/**
 * Port: idempotency_keys. A claim carries the token of the request that holds
 * it: a request that outlived its lock may have lost the claim to another, and
 * then nothing it does may touch the record (the new holder's work and answer).
 */
export interface IdempotencyStore {
  /**
   * Claims (userId, key) for a new request under `token`, replacing a record
   * that expired. Returns null when claimed, else the live record someone else holds.
   */
  claim(
    input: { userId: string; key: string; scope: string; requestHash: string; token: string; lockedUntil: Date; expiresAt: Date; now: Date },
    signal?: AbortSignal,
  ): Promise<IdempotencyRecord | null>;
  /** Takes over, under `token`, a claim whose request died or stalled (lockedUntil passed); true when taken. */
  takeOver(userId: string, key: string, token: string, now: Date, lockedUntil: Date, signal?: AbortSignal): Promise<boolean>;
  find(userId: string, key: string, signal?: AbortSignal): Promise<IdempotencyRecord | null>;
  /** Stores the answer if the claim is still `token`'s and unanswered; false when it no longer is. */
  complete(userId: string, key: string, token: string, response: StoredResponse, signal?: AbortSignal): Promise<boolean>;
  /** Forgets `token`'s claim after its request failed on the server's side, so a retry does the work; another's claim stays. */
  release(userId: string, key: string, token: string, signal?: AbortSignal): Promise<void>;
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Idempotency-Key semantics for API writes: the first request with a key does
 * the work and its response (status and body; any 2xx or 4xx) is stored; a
 * repeat with the same key and the same request gets that response without the
 * work being done again, also while the first is still running (it waits for
 * it); the same key with a different request is refused; keys expire after 24
 * hours. A request that fails with a server error releases its claim.
 */
export function makeIdempotency(deps: {
  store: IdempotencyStore;
  clock: Clock;
  /** Claim tokens. */
  ids: IdGenerator;
  log: Logger;
  ttlMs?: number;
  /** How long a claim is held before another request may take it over. */
  lockMs?: number;
  /** How long a repeat waits for the first request to finish. */
  waitMs?: number;
  pollMs?: number;
}) {
  const ttlMs = deps.ttlMs ?? IDEMPOTENCY_TTL_MS;
  const lockMs = deps.lockMs ?? 30_000;
  const waitMs = deps.waitMs ?? 30_000;
  const pollMs = deps.pollMs ?? 50;

  function checkSame(record: IdempotencyRecord, scope: string, requestHash: string) {
    if (record.scope !== scope || record.requestHash !== requestHash) {
      throw new AppError("validation", "This Idempotency-Key was already used with a different request.", {
        fields: [{ path: "headers.idempotency-key", message: "Already used with a different request; use a new key" }],
      });
    }
  }

  return async function withIdempotency(
    input: { userId: string; key: string; scope: string; requestHash: string },
    work: () => Promise<StoredResponse>,
    signal?: AbortSignal,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const { userId, key, scope, requestHash } = input;
    const token = deps.ids.uuid();
    const deadline = deps.clock.now().getTime() + waitMs;
    for (;;) {
      const now = deps.clock.now();
      const held = await deps.store.claim(
        { userId, key, scope, requestHash, token, now, lockedUntil: new Date(now.getTime() + lockMs), expiresAt: new Date(now.getTime() + ttlMs) },
        signal,
      );
      let mine = held === null;
      if (held) {
        checkSame(held, scope, requestHash);
        if (held.response) return { ...held.response, replayed: true };
        if (held.lockedUntil && held.lockedUntil <= now) {
          mine = await deps.store.takeOver(userId, key, token, now, new Date(now.getTime() + lockMs), signal);
        }
      }
      if (mine) {
        let response: StoredResponse;
        try {
          response = await work();
        } catch (error) {
          await deps.store.release(userId, key, token).catch(() => undefined);
          throw error;
        }
        if (response.status >= 500) {
          await deps.store.release(userId, key, token).catch(() => undefined);
          return { ...response, replayed: false };
        }
        if (!(await deps.store.complete(userId, key, token, response, signal))) {
          // This request outlived its lock and another took the claim over (and did the work again, or is
          // doing it): its answer is the key's; this one's goes to this caller only. Worth a look: the lock is too short.
          deps.log.warn("idempotent request finished after its claim was taken over; its answer was not stored", { scope, status: response.status });
        }
        return { ...response, replayed: false };
      }
      // Someone else is working on it: wait for their answer.
      if (deps.clock.now().getTime() > deadline) {
        throw new AppError("conflict", "A request with this Idempotency-Key is still being processed; retry shortly.");
      }
      await delay(pollMs, undefined, { signal });
      const again = await deps.store.find(userId, key, signal);
      if (again?.response) {
        checkSame(again, scope, requestHash);
        return { ...again.response, replayed: true };
      }
    }
  };
}

export type WithIdempotency = ReturnType<typeof makeIdempotency>;
