import type { Producer } from "kafkajs";

/**
 * A producer connected on first use, and replaced by a new one after a send
 * fails.
 *
 * Replaced, not reconnected: kafkajs's idempotent producer numbers each
 * partition's batches itself, and when a request fails it takes the numbers
 * back, even when the broker did store the batch (its answer was lost with a
 * dying leader). The next send would then reuse those numbers for other
 * messages, which the broker drops as duplicates of the stored batch while
 * answering success: events lost with no error (kafkajs's sendMessages.js;
 * ADR 015). A new producer gets a new producer id from the broker, so
 * its numbering starts afresh and nothing it sends can be mistaken for an
 * older batch. A batch the relay sends again is then a true duplicate, which
 * consumers skip by event id.
 */
export class LazyProducer {
  private producer: Producer | null = null;
  private connected: Promise<void> | null = null;

  constructor(private readonly create: () => Producer) {}

  async send<T>(work: (producer: Producer) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const producer = (this.producer ??= this.create());
    this.connected ??= producer.connect().catch((error: unknown) => {
      this.discard(producer);
      throw error;
    });
    await this.connected;
    signal?.throwIfAborted();
    try {
      return await work(producer);
    } catch (error) {
      this.discard(producer);
      throw error;
    }
  }

  /** Forgets the producer (the next send makes a new one) and disconnects it in the background. */
  private discard(producer: Producer): void {
    if (this.producer !== producer) return;
    this.producer = null;
    this.connected = null;
    void producer.disconnect().catch(() => undefined);
  }

  async close(): Promise<void> {
    const producer = this.producer;
    const connected = this.connected;
    this.producer = null;
    this.connected = null;
    if (producer && connected) await producer.disconnect();
  }
}
