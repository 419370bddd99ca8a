import type { CatalogCache } from "../../application/catalog/catalog-cache";
import type { LogFields } from "../../application/shared";
import { PgListener } from "../db/pg-listener";

/** The channel the catalog tables' triggers notify on (migration back_office). */
export const CATALOG_CHANNEL = "catalog_changed";

interface Entry {
  value: unknown;
  expiresAt: number;
}

export interface NotifiedCatalogCacheOptions {
  databaseUrl: string;
  /** Backstop: an entry is reloaded after this long even if no change was heard. */
  ttlMs?: number;
  /** Bound on memory: the least recently used entries go first. */
  maxEntries?: number;
  now?: () => number;
  /** Where a lost LISTEN connection is reported. */
  log: (message: string, fields?: LogFields) => void;
  /** Told of each read: "hit" when served from memory, "miss" when loaded (also while caching is paused). */
  onLookup?: (result: "hit" | "miss") => void;
}

/**
 * An in-process cache-aside store for catalog reads, kept right across
 * processes by PostgreSQL LISTEN/NOTIFY: the catalog tables notify
 * `catalog_changed` when a write commits (any writer: this web instance,
 * another one, the worker reserving stock), and every instance drops its
 * entries.
 *
 * Stale fills are prevented by a generation counter: a load that started
 * before an invalidation is returned to its caller but not stored. While the
 * LISTEN connection is down, changes could be missed, so the cache is bypassed
 * until it is back (and then starts empty).
 */
export class NotifiedCatalogCache implements CatalogCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private readonly listener: PgListener;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly log: (message: string, fields?: LogFields) => void;

  constructor(private readonly options: NotifiedCatalogCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 500;
    this.now = options.now ?? Date.now;
    this.log = options.log;
    this.listener = new PgListener({
      databaseUrl: options.databaseUrl,
      channels: [CATALOG_CHANNEL],
      applicationName: "storefront-catalog-cache",
      onNotification: () => this.invalidate(),
      // Whatever was cached before (nothing, or entries from before a lost
      // connection) may have missed notifications.
      onListening: () => this.invalidate(),
      onLost: (error) => {
        this.invalidate();
        this.log("catalog cache: LISTEN connection lost, caching paused", { err: error });
      },
      maxRetryDelayMs: 30_000,
    });
  }

  async getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.listener.listening) {
      void this.listener.start();
      this.options.onLookup?.("miss");
      return load();
    }
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) {
      this.options.onLookup?.("hit");
      // Re-insert: Map order is the recency order the eviction uses.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as T;
    }
    this.options.onLookup?.("miss");
    const generation = this.generation;
    const value = await load();
    if (generation === this.generation && this.listener.listening) {
      this.entries.delete(key);
      this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
      while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return value;
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Resolves once LISTEN is active (tests); getOrLoad starts it on its own. */
  ready(): Promise<void> {
    return this.listener.start();
  }

  async close(): Promise<void> {
    await this.listener.close();
  }
}
