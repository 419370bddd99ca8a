import type { DomainEvent } from "../../domain/events";

export interface EventPublisher {
  /** Resolves once the broker has acknowledged every event. */
  publish(events: readonly DomainEvent[], signal?: AbortSignal): Promise<void>;
}

export interface OutboxRelayStore {
  /**
   * Claims up to `limit` unsent events (skipping rows another relay holds),
   * runs `publish` while holding them, then marks them sent. If `publish`
   * throws, nothing is marked and the rows are released for a later attempt.
   */
  withUnsentBatch(limit: number, publish: (events: readonly DomainEvent[]) => Promise<void>, signal?: AbortSignal): Promise<number>;
}

export function makeRelayOutbox(deps: { store: OutboxRelayStore; publisher: EventPublisher }) {
  /** Publishes one batch; returns how many events were sent (0 when the outbox is drained). */
  return function relayOnce(limit: number, signal?: AbortSignal): Promise<number> {
    return deps.store.withUnsentBatch(limit, (events) => deps.publisher.publish(events, signal), signal);
  };
}
