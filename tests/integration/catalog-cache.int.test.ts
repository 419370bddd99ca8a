import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type pg from "pg";
import { NotifiedCatalogCache } from "@/lib/infrastructure/cache/notified-catalog-cache";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { eventually, insertProduct, servicesFor, sqlPool } from "../support/fixtures";
import { testLogger } from "../support/logger";

let db: TestDatabase;
let pool: pg.Pool;
const caches: NotifiedCatalogCache[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = sqlPool(db.url);
});

afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

async function listeningCache(options: Partial<ConstructorParameters<typeof NotifiedCatalogCache>[0]> = {}) {
  const cache = new NotifiedCatalogCache({ databaseUrl: db.url, ...options, log: options.log ?? testLogger().warn });
  caches.push(cache);
  await cache.ready();
  return cache;
}

/** A loader that counts its calls and returns a fresh value each time. */
function counter() {
  let calls = 0;
  return { load: async () => ++calls, calls: () => calls };
}

describe("NotifiedCatalogCache", () => {
  afterAll(async () => {
    await Promise.all(caches.map((c) => c.close()));
  });

  it("serves a second read from memory, and tells each read's result", async () => {
    const lookups: string[] = [];
    const cache = await listeningCache({ onLookup: (result) => void lookups.push(result) });
    const c = counter();
    expect(await cache.getOrLoad("k", c.load)).toBe(1);
    expect(await cache.getOrLoad("k", c.load)).toBe(1);
    expect(c.calls()).toBe(1);
    expect(lookups).toEqual(["miss", "hit"]);
  });

  it("empties itself when a catalog write commits in another connection, not before", async () => {
    // Inserted before the cache listens: its notification is not heard.
    const product = await insertProduct(pool, { stock: 1 });
    const cache = await listeningCache();
    const c = counter();
    await cache.getOrLoad("k", c.load);
    expect(cache.size).toBe(1);

    const writer = await pool.connect();
    try {
      await writer.query("BEGIN");
      await writer.query("UPDATE products SET name = 'Renamed' WHERE id = $1", [product]);
      // Uncommitted: nobody may forget yet (other readers still see the old row).
      await new Promise((r) => setTimeout(r, 300));
      expect(cache.size).toBe(1);
      await writer.query("COMMIT");
    } catch (error) {
      await writer.query("ROLLBACK");
      throw error;
    } finally {
      writer.release();
    }
    await eventually(async () => (cache.size === 0 ? true : undefined), 5_000, "the commit's notification");
    expect(await cache.getOrLoad("k", c.load)).toBe(2);
  });

  it("does not store a value loaded while the catalog changed under it", async () => {
    const cache = await listeningCache();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = cache.getOrLoad("k", async () => {
      await gate;
      return "loaded before the change";
    });
    cache.invalidate();
    release();
    expect(await slow).toBe("loaded before the change");
    expect(cache.size).toBe(0);
    expect(await cache.getOrLoad("k", async () => "fresh")).toBe("fresh");
  });

  it("keeps at most maxEntries, dropping the least recently used", async () => {
    const cache = await listeningCache({ maxEntries: 2 });
    await cache.getOrLoad("a", async () => "a1");
    await cache.getOrLoad("b", async () => "b1");
    await cache.getOrLoad("a", async () => "a2"); // a is now the most recent
    await cache.getOrLoad("c", async () => "c1"); // evicts b
    expect(cache.size).toBe(2);
    expect(await cache.getOrLoad("a", async () => "a3")).toBe("a1");
    expect(await cache.getOrLoad("b", async () => "b2")).toBe("b2");
  });

  it("reloads an entry older than its time to live", async () => {
    let now = 1_000_000;
    const cache = await listeningCache({ ttlMs: 1_000, now: () => now });
    const c = counter();
    await cache.getOrLoad("k", c.load);
    now += 999;
    expect(await cache.getOrLoad("k", c.load)).toBe(1);
    now += 2;
    expect(await cache.getOrLoad("k", c.load)).toBe(2);
  });

  it("bypasses itself while its LISTEN connection is lost, and comes back empty", async () => {
    const warn = vi.fn();
    const cache = await listeningCache({ log: warn });
    const c = counter();
    await cache.getOrLoad("k", c.load);
    await pool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'storefront-catalog-cache' AND datname = current_database()",
    );
    await eventually(async () => (warn.mock.calls.length > 0 ? true : undefined), 5_000, "the lost connection");
    // Changes made now would go unheard: every read loads.
    expect(await cache.getOrLoad("k", c.load)).toBe(2);
    expect(await cache.getOrLoad("k", c.load)).toBe(3);
    // It reconnects on its own (backoff from 500 ms) and caches again.
    await eventually(
      async () => {
        await cache.getOrLoad("k", c.load);
        return cache.size === 1 ? true : undefined;
      },
      10_000,
      "the reconnect",
    );
    const calls = c.calls();
    await cache.getOrLoad("k", c.load);
    expect(c.calls()).toBe(calls);
  });
});

describe("the shop's catalog through the cache", () => {
  it("shows a price changed by another process as soon as the change commits", async () => {
    const services = servicesFor(db.url);
    try {
      const id = await insertProduct(pool, { stock: 3, priceMinor: 1500, name: "Cached Lamp" });
      const { rows } = await pool.query<{ slug: string }>("SELECT slug FROM products WHERE id = $1", [id]);
      const slug = rows[0]!.slug;
      // The first read starts LISTEN (and is not cached); once it listens, the next read is.
      expect((await services.catalog.getProduct(slug)).price.amountMinor).toBe(1500);
      await eventually(async () => {
        const { rows: listeners } = await pool.query(
          "SELECT 1 FROM pg_stat_activity WHERE application_name = 'storefront-catalog-cache' AND datname = current_database() AND query LIKE 'LISTEN%'",
        );
        return listeners.length === 1 ? true : undefined;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect((await services.catalog.getProduct(slug)).price.amountMinor).toBe(1500);
      // Proof that reads are served from the cache: a change nobody announces
      // (its trigger disabled for a moment) is not seen.
      await pool.query("ALTER TABLE products DISABLE TRIGGER products_notify_catalog");
      try {
        await pool.query("UPDATE products SET price_minor = 1600 WHERE id = $1", [id]);
      } finally {
        await pool.query("ALTER TABLE products ENABLE TRIGGER products_notify_catalog");
      }
      await new Promise((r) => setTimeout(r, 300));
      expect((await services.catalog.getProduct(slug)).price.amountMinor).toBe(1500);

      // An ordinary commit is announced, and the next read shows it.
      await pool.query("UPDATE products SET price_minor = 1700 WHERE id = $1", [id]);
      await eventually(async () => ((await services.catalog.getProduct(slug)).price.amountMinor === 1700 ? true : undefined), 5_000, "the new price");
    } finally {
      await services.close();
    }
  });
});
