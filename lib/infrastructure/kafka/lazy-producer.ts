import type { Producer } from "kafkajs";

/**
 * A producer connected on first use. When a send fails, the connection is
 * dropped so the next send starts on a fresh one (after a broker restart the
 * old one may point at a dead socket or a stale producer epoch).
 */
export class LazyProducer {
  private connected: Promise<void> | null = null;

  constructor(private readonly producer: Producer) {}

  async send<T>(work: (producer: Producer) => Promise<T>, signal?: AbortSignal): Promise<T> {
    this.connected ??= this.producer.connect().catch((error: unknown) => {
      this.connected = null;
      throw error;
    });
    await this.connected;
    signal?.throwIfAborted();
    try {
      return await work(this.producer);
    } catch (error) {
      this.connected = null;
      await this.producer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.connected) await this.producer.disconnect();
    this.connected = null;
  }
}
