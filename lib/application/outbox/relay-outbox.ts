import type { DomainEvent } from "../../domain/events";

export interface EventPublisher {
  /**
   * Resolves once the broker has acknowledged every event. Events of one
   * aggregate are given in their order and must reach their topic in it.
   */
  publish(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void>;
}

export interface RelayBatch {
  /** Events published and marked sent. */
  sent: number;
  /**
   * Claimed events left unsent because an earlier event of the same aggregate
   * is held by another relay: they go after it, in a later batch.
   */
  held: number;
}

export interface OutboxRelayStore {
  /**
   * Claims up to `limit` unsent events in commit order, skipping rows another
   * relay holds, runs `publish` while holding them, then marks them sent. If
   * `publish` throws, nothing is marked and the rows are released for a later
   * attempt. Never hands out an event while an earlier event of its aggregate
   * is unsent and not in the same batch.
   */
  withUnsentBatch(limit: number, publish: (events: readonly DomainEvent[]) => Promise<void>, signal?: AbortSignal): Promise<RelayBatch>;
  /** Deletes up to `limit` events sent before `sentBefore`; returns how many. */
  pruneSent(sentBefore: Date, limit: number, signal?: AbortSignal): Promise<number>;
}

export function makeRelayOutbox(deps: { store: OutboxRelayStore; publisher: EventPublisher }) {
  /** Publishes one batch. */
  return function relayOnce(limit: number, signal?: AbortSignal): Promise<RelayBatch> {
    return deps.store.withUnsentBatch(limit, (events) => deps.publisher.publish(events, signal), signal);
  };
}

export function makePruneOutbox(deps: { store: Pick<OutboxRelayStore, "pruneSent">; clock: { now(): Date }; retentionMs: number }) {
  /** Deletes sent events older than the retention period, batch by batch; returns how many. */
  return async function pruneOutbox(batch: number, signal?: AbortSignal): Promise<number> {
    const before = new Date(deps.clock.now().getTime() - deps.retentionMs);
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const n = await deps.store.pruneSent(before, batch, signal);
      total += n;
      if (n < batch) return total;
    }
  };
}
