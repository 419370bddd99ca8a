/**
 * Port: the catalog's cache-aside store. Reads go through `getOrLoad`; every
 * write to what the shop shows ends in `invalidate` (the adapter also hears
 * writes made by other processes; see lib/infrastructure/cache).
 */
export interface CatalogCache {
  /** The cached value for `key`, or `load()`'s result, cached unless the catalog changed while it loaded. */
  getOrLoad<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Forgets everything cached; loads already under way are not stored. */
  invalidate(): void;
}

/** No caching: every read loads. For tests and scripts. */
export const noCatalogCache: CatalogCache = {
  getOrLoad: (_key, load) => load(),
  invalidate() {},
};
